"""Seven cs231n forward functions rewritten with PyTorch (float64, CPU), returning
``torch.Tensor`` outputs instead of NumPy arrays: rnn_step_forward, rnn_forward,
lstm_step_forward, lstm_forward, temporal_affine_forward, sigmoid, word_embedding_forward.
Caches are plain tuples of tensors (never read: the backwards are absent).

The math is right, so with a harness that accepts tensors (converting them with
``.detach().cpu().numpy()`` or ``np.asarray``) every present function passes every case.
Missing: rnn_step_backward, rnn_backward, word_embedding_backward, lstm_step_backward,
lstm_backward, temporal_affine_backward, temporal_softmax_loss. Their forwards exist, so the
backwards' gradcheck items are "missing" too (temporal_softmax_loss's gradcheck calls the
missing function itself). Importing this module needs torch.
"""

import numpy as np
import torch

EXPECTED_FAILING = set()
EXPECTED_MISSING = {"rnn_step_backward", "rnn_backward", "word_embedding_backward",
                    "lstm_step_backward", "lstm_backward", "temporal_affine_backward",
                    "temporal_softmax_loss"}

_F64 = torch.float64


def _t(a):
    """A float64 tensor from a NumPy array (or a tensor passed back in)."""
    return torch.as_tensor(np.asarray(a) if not isinstance(a, torch.Tensor) else a, dtype=_F64)


def sigmoid(x):
    """Elementwise logistic sigmoid. x: any shape. Returns a tensor."""
    return torch.sigmoid(_t(x))


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """x: (N, D); prev_h: (N, H); Wx: (D, H); Wh: (H, H); b: (H,). Returns next_h (N, H), cache."""
    x, prev_h, Wx, Wh, b = map(_t, (x, prev_h, Wx, Wh, b))
    next_h = torch.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_forward(x, h0, Wx, Wh, b):
    """x: (N, T, D); h0: (N, H). Returns h (N, T, H), cache."""
    x, h = _t(x), _t(h0)
    states, caches = [], []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t, :], h, Wx, Wh, b)
        states.append(h)
        caches.append(cache)
    return torch.stack(states, dim=1), caches


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Gates packed i, f, o, g. x: (N, D); prev_h, prev_c: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,)."""
    x, prev_h, prev_c, Wx, Wh, b = map(_t, (x, prev_h, prev_c, Wx, Wh, b))
    a_i, a_f, a_o, a_g = torch.chunk(x @ Wx + prev_h @ Wh + b, 4, dim=1)
    i, f, o, g = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.sigmoid(a_o), torch.tanh(a_g)
    next_c = f * prev_c + i * g
    next_h = o * torch.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, i, f, o, g, next_c)


def lstm_forward(x, h0, Wx, Wh, b):
    """x: (N, T, D); h0: (N, H). Returns h (N, T, H), cache; the cell state starts at zero."""
    x, h = _t(x), _t(h0)
    c = torch.zeros_like(h)
    states, caches = [], []
    for t in range(x.shape[1]):
        h, c, cache = lstm_step_forward(x[:, t, :], h, c, Wx, Wh, b)
        states.append(h)
        caches.append(cache)
    return torch.stack(states, dim=1), caches


def temporal_affine_forward(x, w, b):
    """x: (N, T, D); w: (D, M); b: (M,). Returns out (N, T, M), cache."""
    x, w, b = map(_t, (x, w, b))
    return x @ w + b, (x, w)


def word_embedding_forward(x, W):
    """x: (N, T) integer indices; W: (V, D). Returns out (N, T, D), cache."""
    idx = torch.as_tensor(np.asarray(x), dtype=torch.long)
    W = _t(W)
    return W[idx], (idx, W.shape)
