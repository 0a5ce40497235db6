"""Explicit maps between the oracle's two suites and PyTorch's own recurrent modules.

tests/test_torch_crosscheck.py uses torch.nn.RNNCell, RNN, LSTMCell and LSTM (tanh, one
layer, float64, CPU) as an independent witness for the oracle: each suite's weights are
loaded into torch's modules, and torch's autograd gradients are mapped back into the suite's
names and shapes. Nothing here re-types the oracle's math; it only moves blocks and axes.

Layouts (batch_first=False for torch's sequence modules):
    dlai     sequence (features, batch, time)   cell (features, batch)
    cs231n   sequence (batch, time, features)   cell (batch, features)
    torch    sequence (time, batch, features)   cell (batch, features)

LSTM gate packing of the 4H axis:
    torch   weight_ih (4H, D), weight_hh (4H, H), bias_ih + bias_hh (4H,)   i, f, g, o
    cs231n  Wx (D, 4H), Wh (H, 4H), b (4H,), along the last axis            i, f, o, g
    dlai    four matrices W_f, W_i, W_c, W_o (H, H + D) acting on concat = [a_prev; xt]:
            the first H columns act on a_prev (torch's weight_hh block), the last D on xt
            (weight_ih block). dlai's candidate "c" is torch's "g".
torch adds two biases; the suite's bias goes into bias_ih and bias_hh is zero.
"""

from __future__ import annotations

import numpy as np
import torch

TORCH_GATES = ("i", "f", "g", "o")
CS231N_GATES = ("i", "f", "o", "g")
DLAI_NAME = {"i": "i", "f": "f", "g": "c", "o": "o"}  # torch gate -> dlai parameter suffix


# ------------------------------------------------------------------------- layouts

def dlai_seq_to_torch(a: np.ndarray) -> np.ndarray:
    """(features, batch, time) <-> (time, batch, features). Swapping axes 0 and 2 is its own
    inverse, so this also maps torch's sequences back to dlai's."""
    return np.ascontiguousarray(a.transpose(2, 1, 0))


def cs231n_seq_to_torch(a: np.ndarray) -> np.ndarray:
    """(batch, time, features) <-> (time, batch, features); its own inverse, like dlai's."""
    return np.ascontiguousarray(a.transpose(1, 0, 2))


def regroup_gates(a: np.ndarray, src: tuple, dst: tuple, axis: int) -> np.ndarray:
    """Reorder the four equal gate blocks of ``a`` along ``axis`` from order src to order dst."""
    blocks = dict(zip(src, np.split(a, 4, axis=axis)))
    return np.concatenate([blocks[g] for g in dst], axis=axis)


# ----------------------------------------------------------------- RNN (one gate)

def cs231n_to_torch_rnn(Wx, Wh, b) -> dict:
    """x Wx + h Wh + b (rows are examples) == torch's x W_ih^T + h W_hh^T + b_ih + b_hh."""
    return {"weight_ih": Wx.T, "weight_hh": Wh.T, "bias_ih": b, "bias_hh": np.zeros_like(b)}


def torch_to_cs231n_rnn_grads(g: dict) -> tuple:
    """torch parameter gradients -> (dWx (D, H), dWh (H, H), db (H,))."""
    return g["weight_ih"].T, g["weight_hh"].T, g["bias_ih"]


def dlai_to_torch_rnn(p: dict) -> dict:
    """Wax xt + Waa a_prev + ba acts on columns as torch's weights act on rows: no transpose."""
    return {"weight_ih": p["Wax"], "weight_hh": p["Waa"], "bias_ih": p["ba"][:, 0],
            "bias_hh": np.zeros(p["ba"].shape[0])}


def torch_to_dlai_rnn_grads(g: dict) -> dict:
    """torch parameter gradients -> {dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)}."""
    return {"dWax": g["weight_ih"], "dWaa": g["weight_hh"], "dba": g["bias_ih"][:, None]}


# ------------------------------------------------------------ LSTM (four gates)

def cs231n_to_torch_lstm(Wx, Wh, b) -> dict:
    """Regroup i, f, o, g -> i, f, g, o along the 4H axis, then transpose to torch's (4H, .)."""
    def to_torch(w):
        return regroup_gates(w, CS231N_GATES, TORCH_GATES, axis=-1)
    return {"weight_ih": to_torch(Wx).T, "weight_hh": to_torch(Wh).T, "bias_ih": to_torch(b),
            "bias_hh": np.zeros_like(b)}


def torch_to_cs231n_lstm_grads(g: dict) -> tuple:
    """torch parameter gradients -> (dWx (D, 4H), dWh (H, 4H), db (4H,)), gates i, f, o, g."""
    def to_cs231n(w):
        return regroup_gates(w, TORCH_GATES, CS231N_GATES, axis=-1)
    return to_cs231n(g["weight_ih"].T), to_cs231n(g["weight_hh"].T), to_cs231n(g["bias_ih"])


def dlai_to_torch_lstm(p: dict) -> dict:
    """Stack W_i, W_f, W_c, W_o in torch's order, split at column n_a into hh | ih."""
    n_a = p["Wf"].shape[0]
    W = [p["W" + DLAI_NAME[g]] for g in TORCH_GATES]
    return {"weight_ih": np.concatenate([w[:, n_a:] for w in W]),
            "weight_hh": np.concatenate([w[:, :n_a] for w in W]),
            "bias_ih": np.concatenate([p["b" + DLAI_NAME[g]][:, 0] for g in TORCH_GATES]),
            "bias_hh": np.zeros(4 * n_a)}


def torch_to_dlai_lstm_grads(g: dict) -> dict:
    """torch parameter gradients -> {dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, ... (n_a, 1)}:
    dW_gate = [weight_hh block | weight_ih block], because concat = [a_prev; xt]."""
    ih, hh, b = (dict(zip(TORCH_GATES, np.split(g[key], 4)))
                 for key in ("weight_ih", "weight_hh", "bias_ih"))
    grads = {}
    for gate in TORCH_GATES:
        grads["dW" + DLAI_NAME[gate]] = np.concatenate([hh[gate], ih[gate]], axis=1)
        grads["db" + DLAI_NAME[gate]] = b[gate][:, None]
    return grads


# ------------------------------------------------------------------ running torch

def leaf(a: np.ndarray) -> torch.Tensor:
    """A float64 copy of ``a`` that collects its gradient."""
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _flatten(result) -> list:
    """torch's nested module results, e.g. LSTM's (out, (h_n, c_n)), as a flat list."""
    if isinstance(result, torch.Tensor):
        return [result]
    return [t for item in result for t in _flatten(item)]


def run_torch(kind: str, weights: dict, x: np.ndarray, state: tuple, upstream: tuple = ()):
    """Run ``torch.nn.<kind>`` (RNNCell, RNN, LSTMCell or LSTM) with ``weights`` loaded.

    x and state, (h,) or (h, c), are in torch's layout: cells (N, D) and (N, H); sequences
    (T, N, D) and (1, N, H). Outputs are RNNCell (h,), LSTMCell (h, c), RNN (out, h_n),
    LSTM (out, h_n, c_n); ``upstream`` is backpropagated into the first len(upstream) of them.
    Returns (outputs, input grads [for x, then each state], parameter grads by weights' key),
    all numpy; grads are None when nothing reached them.
    """
    module = getattr(torch.nn, kind)(x.shape[-1], weights["weight_hh"].shape[1]).double()
    suffix = "_l0" if kind in ("RNN", "LSTM") else ""  # sequence modules name params per layer
    params = {name.removesuffix(suffix): p for name, p in module.named_parameters()}
    if set(params) != set(weights):  # no torch parameter may keep its random initialisation
        raise ValueError(f"{kind} has parameters {sorted(params)}, mapping gave {sorted(weights)}")
    with torch.no_grad():
        for name, value in weights.items():
            want = tuple(params[name].shape)
            if want != value.shape:  # copy_ would broadcast silently
                raise ValueError(f"{kind}.{name}: torch wants {want}, mapping gave {value.shape}")
            params[name].copy_(torch.tensor(value))
    inputs = [leaf(a) for a in (x, *state)]
    hidden = inputs[1] if len(state) == 1 else tuple(inputs[1:])
    outputs = _flatten(module(inputs[0], hidden))
    if upstream:
        torch.autograd.backward(outputs[:len(upstream)], [torch.tensor(u) for u in upstream])

    def numpy(t):
        return None if t is None else t.detach().numpy()
    return ([numpy(t) for t in outputs], [numpy(t.grad) for t in inputs],
            {name: numpy(p.grad) for name, p in params.items()})


def torch_softmax_predict(h: np.ndarray, Wy: np.ndarray, by: np.ndarray) -> np.ndarray:
    """softmax(Wy a + by) on torch-layout hidden states h (..., H); classes are the last dim.
    Wy: (n_y, H), by: (n_y, 1) as in dlai. Returns (..., n_y)."""
    logits = torch.nn.functional.linear(torch.tensor(h), torch.tensor(Wy), torch.tensor(by[:, 0]))
    return torch.softmax(logits, dim=-1).numpy()
