"""The cs231n suite (all 14 functions) rewritten to compute entirely in float32: every float
input is cast to float32 on entry, every intermediate and every returned array is float32
(the loss is an np.float32). The math is right; nothing calls the oracle.

Expected verdicts:
- with ``--dtype=float32`` (the spec's float32 tolerances): every function passes every fixture
  and random case (checked with 5 random cases, warnings as errors); the 7 gradcheck items
  are skipped (the harness runs gradient checks in float64 mode only);
- in the default float64 mode: every fixture case fails as "float32 in float64 mode" (the
  harness refuses lower precision there) and so do the 7 gradcheck items (central
  differences of a float32 forward are too coarse), so EXPECTED_FAILING_FLOAT64 is every function.
"""

import numpy as np

F32 = np.float32
EXPECTED_FAILING = set()  # under --dtype=float32
EXPECTED_MISSING = set()
EXPECTED_FAILING_FLOAT64 = {
    "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
    "word_embedding_forward", "word_embedding_backward", "sigmoid",
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "temporal_affine_forward", "temporal_affine_backward", "temporal_softmax_loss",
}


def _f(*arrays):
    return [np.asarray(a, dtype=F32) for a in arrays]


def sigmoid(x):
    """Stable logistic sigmoid in float32. x: any shape."""
    (x,) = _f(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, F32(1) / (F32(1) + e), e / (F32(1) + e)).astype(F32)


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """x: (N, D); prev_h: (N, H); Wx: (D, H); Wh: (H, H); b: (H,). Returns next_h (N, H), cache."""
    x, prev_h, Wx, Wh, b = _f(x, prev_h, Wx, Wh, b)
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    """dnext_h: (N, H). Returns dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,)."""
    (dnext_h,) = _f(dnext_h)
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (F32(1) - next_h * next_h)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    """x: (N, T, D); h0: (N, H). Returns h (N, T, H), cache (list of step caches)."""
    x, h0, Wx, Wh, b = _f(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]), dtype=F32)
    caches, prev_h = [], h0
    for t in range(T):
        prev_h, cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        caches.append(cache)
    return h, caches


def rnn_backward(dh, cache):
    """dh: (N, T, H). Returns dx (N, T, D), dh0 (N, H), dWx, dWh, db."""
    (dh,) = _f(dh)
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((N, T, x0.shape[1]), dtype=F32)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H, dtype=F32)
    dprev = np.zeros((N, H), dtype=F32)
    for t in reversed(range(T)):
        dx[:, t, :], dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev, dWx, dWh, db


def word_embedding_forward(x, W):
    """x: (N, T) ints; W: (V, D). Returns out (N, T, D) float32, cache."""
    (W,) = _f(W)
    return W[x], (x, W.shape)


def word_embedding_backward(dout, cache):
    """dout: (N, T, D). Returns dW (V, D) float32, repeated indices accumulated."""
    (dout,) = _f(dout)
    x, shape = cache
    dW = np.zeros(shape, dtype=F32)
    np.add.at(dW, x, dout)
    return dW


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Gates packed i, f, o, g. x: (N, D); prev_h, prev_c: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,)."""
    x, prev_h, prev_c, Wx, Wh, b = _f(x, prev_h, prev_c, Wx, Wh, b)
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    tc = np.tanh(next_c)
    return o * tc, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tc)


def lstm_step_backward(dnext_h, dnext_c, cache):
    """dnext_h, dnext_c: (N, H). Returns dx, dprev_h, dprev_c, dWx, dWh, db."""
    dnext_h, dnext_c = _f(dnext_h, dnext_c)
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tc = cache
    one = F32(1)
    dc = dnext_c + dnext_h * o * (one - tc * tc)
    da = np.concatenate([dc * g * i * (one - i), dc * prev_c * f * (one - f),
                         dnext_h * tc * o * (one - o), dc * i * (one - g * g)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    """x: (N, T, D); h0: (N, H). Returns h (N, T, H), cache; c starts at zero."""
    x, h0, Wx, Wh, b = _f(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=F32)
    prev_h, prev_c, caches = h0, np.zeros((N, H), dtype=F32), []
    for t in range(T):
        prev_h, prev_c, cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        caches.append(cache)
    return h, caches


def lstm_backward(dh, cache):
    """dh: (N, T, H). Returns dx (N, T, D), dh0 (N, H), dWx, dWh, db."""
    (dh,) = _f(dh)
    N, T, H = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    dx = np.zeros((N, T, x0.shape[1]), dtype=F32)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H, dtype=F32)
    dprev_h = np.zeros((N, H), dtype=F32)
    dprev_c = np.zeros((N, H), dtype=F32)
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dprev_h, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def temporal_affine_forward(x, w, b):
    """x: (N, T, D); w: (D, M); b: (M,). Returns out (N, T, M), cache."""
    x, w, b = _f(x, w, b)
    return x @ w + b, (x, w)


def temporal_affine_backward(dout, cache):
    """dout: (N, T, M). Returns dx (N, T, D), dw (D, M), db (M,)."""
    (dout,) = _f(dout)
    x, w = cache
    N, T, D = x.shape
    dw = x.reshape(N * T, D).T @ dout.reshape(N * T, -1)
    return dout @ w.T, dw, dout.sum(axis=(0, 1))


def temporal_softmax_loss(x, y, mask, verbose=False):
    """x: (N, T, V) scores; y: (N, T) ints; mask: (N, T) bools. Returns loss (np.float32), dx."""
    (x,) = _f(x)
    N, T, V = x.shape
    shifted = x - x.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, y[..., None], axis=-1)[..., 0]
    m = mask.astype(F32)
    loss = F32(-(m * picked).sum() / F32(N))
    dx = np.exp(log_probs)
    np.put_along_axis(dx, y[..., None], np.take_along_axis(dx, y[..., None], axis=-1) - F32(1), axis=-1)
    dx *= m[..., None] / F32(N)
    if verbose:
        print("dx:", dx.shape)
    return loss, dx.astype(F32)
