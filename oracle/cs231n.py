"""Reference implementation of Stanford cs231n's ``rnn_layers.py`` suite.

Layout is (batch, time, features): ``x`` is ``(N, T, D)``, a hidden state is ``(N, H)``.
Weights are arguments: ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``; for the LSTM the four
gates are packed along the last axis of ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)`` in the
order i, f, o, g. Caches are this implementation's own business: a backward function is
always fed the cache of the forward function of the same module.

Lines that read ``mistake(...)`` are the catalogue's known mistakes (oracle/mistakes.py): off
unless the diagnosis switches one on, and then this module computes what that mistake gives.
"""

from __future__ import annotations

import numpy as np

from oracle import numerics
from oracle.loops import (accumulate, backward_steps, carried, forward_steps, initial_state_gradient, step_cache,
                          step_slot)
from oracle.mistakes import mistake
from oracle.numerics import bias_gradient, dsigmoid_from_output, dtanh_from_output, gate_derivative

__all__ = [
    "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
    "word_embedding_forward", "word_embedding_backward", "sigmoid",
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "temporal_affine_forward", "temporal_affine_backward", "temporal_softmax_loss",
]

Array = np.ndarray


def sigmoid(x: Array) -> Array:
    """Numerically stable logistic sigmoid, elementwise. x: any shape."""
    return numerics.sigmoid(x)


# ----------------------------------------------------------------------------- RNN

def rnn_step_forward(x: Array, prev_h: Array, Wx: Array, Wh: Array, b: Array) -> tuple[Array, tuple]:
    """One tanh RNN step: next_h = tanh(x Wx + prev_h Wh + b).

    x: (N, D); prev_h: (N, H); Wx: (D, H); Wh: (H, H); b: (H,).
    Returns next_h (N, H) and a cache.
    """
    a = x @ Wx + prev_h @ (Wh.T if mistake("transposed-weight") == "Wh" else Wh)
    a = a + (0.0 if mistake("missing-bias") == "b" else b)
    next_h = a if mistake("missing-activation") == "h" else sigmoid(a) if mistake("wrong-activation") == "h" else np.tanh(a)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h: Array, cache: tuple) -> tuple[Array, Array, Array, Array, Array]:
    """Backward through one RNN step, given dnext_h = dL/dnext_h (N, H).

    With da = dnext_h * (1 - next_h^2): dx = da Wx^T, dprev_h = da Wh^T,
    dWx = x^T da, dWh = prev_h^T da, db = sum over the batch of da.
    Returns dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * dtanh_from_output(next_h)
    form = mistake("transposed-weight") or mistake("weights-vs-gradients")
    dWx, dprev_h = x.T @ da, da @ {"dprev_h": Wh, "dWh": prev_h.T @ da}.get(form, Wh.T)
    dx = da @ dWx.T if mistake("weights-vs-gradients") == "dWx" else da @ Wx.T
    recurrent = {"dprev_h": dprev_h, "next_h": next_h}.get(mistake("recurrent-weight-gradient"), prev_h)
    return (dx, dprev_h, dWx.T if mistake("transposed-weight") == "dWx" else dWx, recurrent.T @ da,
            bias_gradient(da, axis=0, keepdims=False))


def rnn_forward(x: Array, h0: Array, Wx: Array, Wh: Array, b: Array) -> tuple[Array, list]:
    """RNN over a whole sequence.

    x: (N, T, D); h0: (N, H); Wx: (D, H); Wh: (H, H); b: (H,).
    Returns h (N, T, H) and a cache (one step cache per time step).
    """
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]), dtype=np.result_type(x, h0))
    caches = []
    prev_h = np.zeros_like(h0) if mistake("skipped-step") == "forward-first" else h0  # h[:, -1] read as zeros
    for t in forward_steps(T):
        stored = prev_h
        prev_h, cache = rnn_step_forward(_step_x(x, t), _step_state(h0, prev_h), Wx, Wh, b)
        h[:, t, :] = stored if mistake("state-off-by-one") == "previous" else prev_h
        caches.append(cache)
    return h, caches


def _step_x(x: Array, t: int) -> Array:
    """x_t, as a forward loop reads it (batch, time, features)."""
    form = mistake("wrong-step-input")
    if form in ("last-x", "first-x"):
        return x[:, -1 if form == "last-x" else 0, :]
    return x[:, t - 1, :] if mistake("index-offset") == "x-previous" else x[:, t, :]


def _step_state(initial: Array, carried_h: Array) -> Array:
    """The hidden state fed to a step: the one carried from the previous step."""
    form = mistake("wrong-step-input")
    if form == "initial-every-step":
        return initial
    if form == "initial-ignored" and carried_h is initial:
        return np.zeros_like(initial)
    return carried_h


def rnn_backward(dh: Array, cache: list) -> tuple[Array, Array, Array, Array, Array]:
    """Backward through the whole RNN, given dh = dL/dh (N, T, H) from the outputs.

    The gradient reaching h_t is dh[:, t] plus what flows back from step t+1;
    weight gradients are summed over time.
    Returns dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((N, T, x0.shape[1]), dtype=dh.dtype)
    totals = {"dWx": np.zeros_like(Wx), "dWh": np.zeros_like(Wh), "db": np.zeros(H, dtype=dh.dtype)}
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    for t in backward_steps(T):
        dx[:, step_slot(t), :], dprev_h, *step = rnn_step_backward(dh[:, t, :] + carried(dprev_h, "hidden"), step_cache(cache, t))
        accumulate(totals, dict(zip(totals, step)))
    return dx, initial_state_gradient(dprev_h, dh[:, 0, :]), totals["dWx"], totals["dWh"], totals["db"]


# ------------------------------------------------------------------ word embedding

def word_embedding_forward(x: Array, W: Array) -> tuple[Array, tuple]:
    """Look up word vectors: out[n, t] = W[x[n, t]].

    x: (N, T) integer indices in [0, V); W: (V, D).
    Returns out (N, T, D) and a cache.
    """
    rows = x - 1 if mistake("index-offset") == "x-minus-1" else x
    return W[rows], (x, W.shape, W.dtype)


def word_embedding_backward(dout: Array, cache: tuple) -> Array:
    """dW[v] = sum of dout[n, t] over every (n, t) with x[n, t] == v.

    ``np.add.at`` accumulates repeated indices; ``dW[x] += dout`` would keep only one.
    dout: (N, T, D). Returns dW (V, D).
    """
    x, W_shape, W_dtype = cache
    dW = np.zeros(W_shape, dtype=np.result_type(W_dtype, dout))
    if mistake("embedding-accumulate") == "assigned":
        dW[x] += dout  # buffered: a repeated index keeps one of its rows
    else:
        np.add.at(dW, x, dout)
    return dW


# ---------------------------------------------------------------------------- LSTM

def lstm_step_forward(
    x: Array, prev_h: Array, prev_c: Array, Wx: Array, Wh: Array, b: Array
) -> tuple[Array, Array, tuple]:
    """One LSTM step with the four gates packed i, f, o, g along the last axis.

    a = x Wx + prev_h Wh + b, split into four (N, H) blocks a_i, a_f, a_o, a_g;
    i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o);  g = tanh(a_g)
    next_c = f * prev_c + i * g;  next_h = o * tanh(next_c)

    x: (N, D); prev_h, prev_c: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns next_h (N, H), next_c (N, H) and a cache.
    """
    a = x @ Wx + prev_h @ Wh + (0.0 if mistake("missing-bias") == "b" else b)
    a_i, a_f, a_o, a_g = _gates(a)
    i, f, o = (_activation(gate, z, sigmoid) for gate, z in (("i", a_i), ("f", a_f), ("o", a_o)))
    g = _activation("g", a_g, np.tanh)
    next_c = f * prev_c + i * g
    tanh_c = _activation("c_out", next_c, np.tanh)
    next_h = o * tanh_c
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)


def _gates(a: Array) -> list[Array]:
    """The four (N, H) blocks of the packed pre-activations, in the order i, f, o, g."""
    blocks = np.split(a, 4, axis=1)
    order = (mistake("gate-order") or "ifog")[:4]  # the order the blocks are read in, e.g. "ifgo"
    by_name = dict(zip(order, blocks))
    return [by_name[gate] for gate in "ifog"]


def _pack_gates(blocks: list[Array]) -> Array:
    """The gradients of the four gates (given i, f, o, g) packed along the last axis: i, f, o, g,
    or in the order the forward read them when the backward shares its mistake ("ifgo/both")."""
    by_name = dict(zip("ifog", blocks))
    form = mistake("gate-order")
    return np.concatenate([by_name[gate] for gate in (form[:4] if form.endswith("/both") else "ifog")], axis=1)


def _activation(gate: str, z: Array, canonical) -> Array:
    """``canonical(z)`` for ``gate`` (i, f, o, g, c_out), unless a mistake replaces it."""
    if mistake("missing-activation") == gate:
        return z
    if mistake("wrong-activation") == gate:
        return np.tanh(z) if canonical is sigmoid else sigmoid(z)
    return canonical(z)


def lstm_step_backward(
    dnext_h: Array, dnext_c: Array, cache: tuple
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Backward through one LSTM step, given dL/dnext_h and dL/dnext_c, both (N, H).

    dc = dnext_c + dnext_h * o * (1 - tanh(next_c)^2)
    da_i = dc * g * i(1-i);  da_f = dc * prev_c * f(1-f);
    da_o = dnext_h * tanh(next_c) * o(1-o);  da_g = dc * i * (1-g^2)
    da = [da_i, da_f, da_o, da_g];  dx = da Wx^T;  dprev_h = da Wh^T;  dprev_c = dc * f
    Returns dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    dnext_c = 0.0 * dnext_c if mistake("gradient-not-carried") == "dc_next-ignored" else dnext_c
    dc = dnext_c + dnext_h * o * gate_derivative("c_out", tanh_c, dtanh_from_output)
    da = _pack_gates([
        dc * g * gate_derivative("i", i, dsigmoid_from_output),
        dc * {"no-c_prev": 1.0, "c_next": f * prev_c + i * g}.get(mistake("forget-gate-factor"), prev_c)
        * gate_derivative("f", f, dsigmoid_from_output),
        dnext_h * tanh_c * gate_derivative("o", o, dsigmoid_from_output),
        dc * i * gate_derivative("g", g, dtanh_from_output),
    ])
    dWx = x.T @ da
    recurrent = {"dprev_h": da @ Wh.T, "next_h": o * tanh_c}.get(mistake("recurrent-weight-gradient"), prev_h)
    dWh = prev_h.T @ da
    return (da @ dWx.T if mistake("weights-vs-gradients") == "dWx" else da @ Wx.T,
            da @ (dWh if mistake("weights-vs-gradients") == "dWh" else Wh).T,
            dc if mistake("forget-gate-factor") == "no-f" else dc * f, dWx, recurrent.T @ da,
            bias_gradient(da, axis=0, keepdims=False))


def lstm_forward(x: Array, h0: Array, Wx: Array, Wh: Array, b: Array) -> tuple[Array, list]:
    """LSTM over a whole sequence; the initial cell state is zeros.

    x: (N, T, D); h0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns h (N, T, H) and a cache (one step cache per time step).
    """
    N, T, _ = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0)
    h = np.zeros((N, T, H), dtype=dtype)
    c0 = h0.copy() if mistake("initial-cell-state") == "h0" else np.zeros((N, H), dtype=dtype)
    prev_h, prev_c = h0, c0
    caches = []
    for t in forward_steps(T):
        stored = prev_h
        prev_c = c0 if mistake("state-not-carried") == "cell" else prev_c
        prev_h, prev_c, cache = lstm_step_forward(_step_x(x, t), _step_state(h0, prev_h), prev_c, Wx, Wh, b)
        h[:, t, :] = {"previous": stored, "cell-for-hidden": prev_c}.get(mistake("state-off-by-one"), prev_h)
        caches.append(cache)
    return h, caches


def lstm_backward(dh: Array, cache: list) -> tuple[Array, Array, Array, Array, Array]:
    """Backward through the whole LSTM, given dh = dL/dh (N, T, H) (nothing flows into c).

    Returns dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    N, T, H = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    dx = np.zeros((N, T, x0.shape[1]), dtype=dh.dtype)
    totals = {"dWx": np.zeros_like(Wx), "dWh": np.zeros_like(Wh), "db": np.zeros(4 * H, dtype=dh.dtype)}
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    dprev_c = np.zeros((N, H), dtype=dh.dtype)
    for t in backward_steps(T):
        dx[:, step_slot(t), :], dprev_h, dprev_c, *step = lstm_step_backward(
            dh[:, t, :] + carried(dprev_h, "hidden"), carried(dprev_c, "cell"), step_cache(cache, t))
        accumulate(totals, dict(zip(totals, step)))
    return dx, initial_state_gradient(dprev_h, dh[:, 0, :]), totals["dWx"], totals["dWh"], totals["db"]


# ------------------------------------------------------------- temporal affine, loss

def temporal_affine_forward(x: Array, w: Array, b: Array) -> tuple[Array, tuple]:
    """The same affine map at every time step: out[n, t] = x[n, t] w + b.

    x: (N, T, D); w: (D, M); b: (M,). Returns out (N, T, M) and a cache.
    """
    N, T, D = x.shape
    form = mistake("reshape-order")
    if form == "time-major":  # rows flattened (T, N) but read back as (N, T)
        out = (x.transpose(1, 0, 2).reshape(N * T, D) @ w).reshape(N, T, -1)
    elif form == "column-major":  # x.reshape(D, N * T) taken for its transpose
        out = (w.T @ x.reshape(D, N * T)).T.reshape(N, T, -1)
    else:
        out = x @ w
    return out + (0.0 if mistake("missing-bias") == "b" else b), (x, w)


def temporal_affine_backward(dout: Array, cache: tuple) -> tuple[Array, Array, Array]:
    """Backward of temporal_affine_forward, given dout (N, T, M).

    Returns dx (N, T, D), dw (D, M) summed over batch and time, db (M,).
    """
    x, w = cache
    N, T, D = x.shape
    if mistake("reshape-order") == "time-major":  # x's rows in (T, N) order against dout's (N, T)
        dw = x.transpose(1, 0, 2).reshape(N * T, D).T @ dout.reshape(N * T, -1)
    else:
        dw = x.reshape(N * T, D).T @ dout.reshape(N * T, -1)
    if mistake("reshape-order") == "column-major":  # dout.reshape(M, N * T) taken for its transpose
        dx = (w @ dout.reshape(-1, N * T)).reshape(N, T, D)
    else:
        dx = dout @ (dw if mistake("weights-vs-gradients") == "dw" else w).T
    return dx, dw, bias_gradient(dout, axis=(0, 1), keepdims=False)


AXES = {"vocab": 2, "time": 1, "batch": 0, "all": None}


def _softmax_axis_mistake(x: Array) -> Array:
    """log(probabilities) as a student computes them who shifts by the max over one axis and
    normalises over another (form "<shifted over>-<summed over>", e.g. "vocab-all")."""
    shift_over, sum_over = mistake("softmax-axis").split("-")
    e = np.exp(x - np.max(x, axis=AXES[shift_over], keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(e / np.sum(e, axis=AXES[sum_over], keepdims=True))


def temporal_softmax_loss(x: Array, y: Array, mask: Array, verbose: bool = False) -> tuple[float, Array]:
    """Masked softmax cross-entropy, summed over time and averaged over the batch.

    loss = -(1/N) sum_{n,t} mask[n,t] log softmax(x[n,t])[y[n,t]]
    dx[n,t] = mask[n,t] (softmax(x[n,t]) - onehot(y[n,t])) / N

    x: (N, T, V) scores; y: (N, T) integer targets in [0, V); mask: (N, T) booleans.
    Returns loss (float) and dx (N, T, V).
    """
    N, T, V = x.shape
    log_probs = _softmax_axis_mistake(x) if mistake("softmax-axis") else numerics.log_softmax(x, axis=-1)
    y = y - 1 if mistake("index-offset") == "y-minus-1" else y
    picked = np.take_along_axis(log_probs, y[..., None], axis=-1)[..., 0]
    ignored = mistake("mask-ignored")  # all, loss or dx
    loss_mask = np.ones_like(mask) if ignored in ("all", "loss") else mask
    dx_mask = np.ones_like(mask) if ignored in ("all", "dx") else mask
    divisor = {"NT": N * T, "mask-count": np.sum(mask), "none": 1}.get(mistake("loss-normalisation"), N)
    dx = np.exp(log_probs)
    np.put_along_axis(dx, y[..., None], np.take_along_axis(dx, y[..., None], axis=-1) - 1.0, axis=-1)
    if mistake("dtype") == "floor-division":  # loss // N, dx //= N
        return float(-np.sum(loss_mask * picked) // divisor), (dx * dx_mask[..., None]) // divisor
    loss = -np.sum(loss_mask * picked) / divisor
    dx *= dx_mask[..., None] / divisor
    if verbose:
        print("dx:", dx.shape)
    return float(loss), dx
