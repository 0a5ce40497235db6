"""Reference implementation of Stanford cs231n's ``rnn_layers.py`` suite.

Layout is (batch, time, features): ``x`` is ``(N, T, D)``, a hidden state is ``(N, H)``.
Weights are arguments: ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``; for the LSTM the four
gates are packed along the last axis of ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)`` in the
order i, f, o, g. Caches are this implementation's own business: a backward function is
always fed the cache of the forward function of the same module.

The RNN and LSTM steps and the loops over time are oracle.kernel's (written once for every
suite): this module moves them into cs231n's layout (``x Wx`` is the kernel's ``x w_x^T`` with
``w_x = Wx.T``; the gate blocks regrouped between i, f, o, g and the kernel's i, f, g, o) and
picks the operands of this layout's known mistakes. Word embedding, temporal affine and the
temporal softmax loss are this suite's alone.

Lines that read ``mistake(...)`` are the catalogue's known mistakes (oracle/mistakes.py): off
unless the diagnosis switches one on, and then this module computes what that mistake gives.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from oracle import fused, kernel, mistakes, numerics, packing
from oracle.kernel import input_gradient, weight_gradient
from oracle.mistakes import mistake
from oracle.numerics import bias_gradient

__all__ = [
    "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
    "word_embedding_forward", "word_embedding_backward", "sigmoid",
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "temporal_affine_forward", "temporal_affine_backward", "temporal_softmax_loss",
]

Array = np.ndarray
GATES = "ifog"  # this suite's packing of the LSTM's 4H axis; the kernel's is "ifgo"


def sigmoid(x: Array) -> Array:
    """Numerically stable logistic sigmoid, elementwise. x: any shape."""
    return numerics.sigmoid(x)


class _StepCache(NamedTuple):
    """A step's cache: the kernel's, with the weights as given (a forward that used one
    transposed still hands its backward the real one) and, for the LSTM, next_h."""
    cell: Any
    Wx: Array
    Wh: Array
    next_h: Array | None = None


def _bias(b: Array) -> Array | float:
    return 0.0 if mistake("missing-bias") == "b" else b


def _time_major(a: Array) -> Array:
    """(N, T, ...) -> (T, N, ...): the kernel's scans take time first."""
    return np.moveaxis(a, 1, 0)


def _batch_major(a: Array) -> Array:
    """(T, N, ...) -> (N, T, ...), C-contiguous as the course's own arrays are."""
    return np.ascontiguousarray(np.moveaxis(a, 0, 1))


class _Sequence:
    """rnn_forward's or lstm_forward's cache when no mistake was on (oracle.fused's arrays for all
    steps at once); indexed like the list of step caches, so a backward with a mistake on reads it
    step by step."""

    def __init__(self, fused_cache: fused.RNNSequence | fused.LSTMSequence, Wx: Array, Wh: Array, h: Array) -> None:
        self.fused, self.Wx, self.Wh, self.h = fused_cache, Wx, Wh, h
        self._cells: list | None = None  # the kernel's step caches (views), made at the first index

    def __len__(self) -> int:
        return self.h.shape[1]

    def __getitem__(self, t: int) -> _StepCache:
        if self._cells is None:
            self._cells = fused.step_caches(self.fused)
        return _StepCache(self._cells[t], self.Wx, self.Wh, self.h[:, t])


# ----------------------------------------------------------------------------- RNN

def rnn_step_forward(x: Array, prev_h: Array, Wx: Array, Wh: Array, b: Array) -> tuple[Array, _StepCache]:
    """One tanh RNN step: next_h = tanh(x Wx + prev_h Wh + b).

    x: (N, D); prev_h: (N, H); Wx: (D, H); Wh: (H, H); b: (H,).
    Returns next_h (N, H) and a cache.
    """
    w_h = Wh if mistake("transposed-weight") == "Wh" else Wh.T
    next_h, cell = kernel.rnn_cell_forward(x, prev_h, kernel.Params(Wx.T, w_h, _bias(b), 0.0))
    return next_h, _StepCache(cell, Wx, Wh)


def rnn_step_backward(dnext_h: Array, cache: _StepCache) -> tuple[Array, Array, Array, Array, Array]:
    """Backward through one RNN step, given dnext_h = dL/dnext_h (N, H).

    With da = dnext_h * (1 - next_h^2): dx = da Wx^T, dprev_h = da Wh^T,
    dWx = x^T da, dWh = prev_h^T da, db = sum over the batch of da.
    Returns dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    cell, Wx, Wh, _ = cache
    x, prev_h, next_h = cell.x, cell.h, cell.h_new
    da = kernel.rnn_preactivation_gradient(dnext_h, next_h, lambda: kernel.preactivation(x, prev_h, cell.params))
    form = mistake("transposed-weight") or mistake("weights-vs-gradients")
    dWx, dWh = weight_gradient(da, x, right=True), weight_gradient(da, prev_h, right=True)
    dprev_h = input_gradient(da, Wh if form == "dprev_h" else dWh.T if form == "both" else dWh if form == "dWh" else Wh.T)
    dx = input_gradient(da, dWx.T if mistake("weights-vs-gradients") in ("dWx", "both") else Wx.T)
    recurrent = mistake("recurrent-weight-gradient")  # dWh from another operand: only then a second product
    if recurrent:
        dWh = weight_gradient(da, dprev_h if recurrent == "dprev_h" else next_h, right=True)
    return (dx, dprev_h, dWx.T if mistake("transposed-weight") == "dWx" else dWx, dWh,
            bias_gradient(da, axis=0, keepdims=False))


def rnn_forward(x: Array, h0: Array, Wx: Array, Wh: Array, b: Array) -> tuple[Array, list | _Sequence]:
    """RNN over a whole sequence.

    x: (N, T, D); h0: (N, H); Wx: (D, H); Wh: (H, H); b: (H,).
    Returns h (N, T, H) and a cache (one step cache per time step, or a _Sequence read as such).
    """
    if not mistakes.active() and fused.fits(x, h0, Wx, Wh, b):  # the same bits, all steps' products at once
        h, seq = fused.rnn_forward(x, h0, kernel.Params(Wx.T, Wh.T, b, 0.0), time_axis=1)
        return h, _Sequence(seq, Wx, Wh, h)
    start = np.zeros_like(h0) if mistake("skipped-step") == "forward-first" else h0  # h[:, -1] read as zeros
    scan = kernel.scan_forward(rnn_step_forward, _time_major(x), (start,), Wx, Wh, b)
    return _batch_major(scan.outputs), scan.caches


def rnn_backward(dh: Array, cache: list | _Sequence) -> tuple[Array, Array, Array, Array, Array]:
    """Backward through the whole RNN, given dh = dL/dh (N, T, H) from the outputs.

    The gradient reaching h_t is dh[:, t] plus what flows back from step t+1;
    weight gradients are summed over time.
    Returns dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    if isinstance(cache, _Sequence) and not mistakes.active() and dh.dtype == cache.h.dtype:
        dx, dh0, grads = fused.rnn_backward(dh, None, cache.fused, right=True)
        return dx, dh0, grads.w_x, grads.w_h, grads.b_x
    _, Wx, Wh, _ = cache[0]
    totals = {"dWx": np.zeros_like(Wx), "dWh": np.zeros_like(Wh), "db": np.zeros(dh.shape[2], dtype=dh.dtype)}

    def step(dnext_h: Array, step_cache: _StepCache) -> tuple:
        dx, dprev_h, *grads = rnn_step_backward(dnext_h, step_cache)
        return dx, dprev_h, dict(zip(totals, grads))

    dx, (dh0,), totals = kernel.scan_backward(step, (_time_major(dh),), cache, totals, cache[0].cell.x.shape)
    return _batch_major(dx), dh0, totals["dWx"], totals["dWh"], totals["db"]


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
) -> tuple[Array, Array, _StepCache]:
    """One LSTM step with the four gates packed i, f, o, g along the last axis.

    a = x Wx + prev_h Wh + b, split into four (N, H) blocks a_i, a_f, a_o, a_g;
    i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o);  g = tanh(a_g)
    next_c = f * prev_c + i * g;  next_h = o * tanh(next_c)

    x: (N, D); prev_h, prev_c: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns next_h (N, H), next_c (N, H) and a cache.
    """
    a = kernel.preactivation(x, prev_h, kernel.Params(Wx.T, Wh.T, _bias(b), 0.0))
    read_as, _ = packing.gate_order(GATES)  # the order the blocks are read in, e.g. "ifgo"
    next_h, next_c, i, f, g, o, tanh_c = kernel.lstm_gates(packing.regroup(a, read_as, "ifgo", axis=1), prev_c)
    cell = kernel.LSTMCache(x, prev_h, prev_c, None, i, f, g, o, tanh_c)
    return next_h, next_c, _StepCache(cell, Wx, Wh, next_h)


def lstm_step_backward(
    dnext_h: Array, dnext_c: Array, cache: _StepCache
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Backward through one LSTM step, given dL/dnext_h and dL/dnext_c, both (N, H).

    dc = dnext_c + dnext_h * o * (1 - tanh(next_c)^2)
    da_i = dc * g * i(1-i);  da_f = dc * prev_c * f(1-f);
    da_o = dnext_h * tanh(next_c) * o(1-o);  da_g = dc * i * (1-g^2)
    da = [da_i, da_f, da_o, da_g];  dx = da Wx^T;  dprev_h = da Wh^T;  dprev_c = dc * f
    Returns dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    cell, Wx, Wh, next_h = cache
    dz, dprev_c = kernel.lstm_preactivation_gradient(dnext_h, dnext_c, cell)
    read_as, both = packing.gate_order(GATES)  # "/both": the gradient packed in the order the forward read
    da = packing.regroup(dz, "ifgo", read_as if both else GATES, axis=1)
    dWx, dWh = weight_gradient(da, cell.x, right=True), weight_gradient(da, cell.h, right=True)
    swapped = mistake("weights-vs-gradients")
    dprev_h = input_gradient(da, (dWh if swapped in ("dWh", "both") else Wh).T)
    recurrent = mistake("recurrent-weight-gradient")  # dWh from another operand: only then a second product
    if recurrent:
        dWh = weight_gradient(da, input_gradient(da, Wh.T) if recurrent == "dprev_h" else next_h, right=True)
    return (input_gradient(da, dWx.T if swapped in ("dWx", "both") else Wx.T), dprev_h, dprev_c, dWx, dWh,
            bias_gradient(da, axis=0, keepdims=False))


def lstm_forward(x: Array, h0: Array, Wx: Array, Wh: Array, b: Array) -> tuple[Array, list | _Sequence]:
    """LSTM over a whole sequence; the initial cell state is zeros.

    x: (N, T, D); h0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns h (N, T, H) and a cache (one step cache per time step, or a _Sequence read as such).
    """
    if not mistakes.active() and fused.fits(x, h0, Wx, Wh, b):  # the same bits, all steps' products at once
        c0 = np.zeros(h0.shape, x.dtype)
        h, _, seq = fused.lstm_forward(x, h0, c0, kernel.Params(Wx.T, Wh.T, b, 0.0), GATES, time_axis=1)
        return h, _Sequence(seq, Wx, Wh, h)
    c0 = h0.copy() if mistake("initial-cell-state") == "h0" else np.zeros(h0.shape, dtype=np.result_type(x, h0))
    scan = kernel.scan_forward(lstm_step_forward, _time_major(x), (h0, c0), Wx, Wh, b)
    return _batch_major(scan.outputs), scan.caches


def lstm_backward(dh: Array, cache: list | _Sequence) -> tuple[Array, Array, Array, Array, Array]:
    """Backward through the whole LSTM, given dh = dL/dh (N, T, H) (nothing flows into c).

    Returns dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    if isinstance(cache, _Sequence) and not mistakes.active() and dh.dtype == cache.h.dtype:
        dx, dh0, _, grads = fused.lstm_backward(dh, None, None, cache.fused, right=True)
        return dx, dh0, grads.w_x, grads.w_h, grads.b_x
    _, Wx, Wh, _ = cache[0]
    totals = {"dWx": np.zeros_like(Wx), "dWh": np.zeros_like(Wh), "db": np.zeros(4 * dh.shape[2], dtype=dh.dtype)}

    def step(dnext_h: Array, dnext_c: Array, step_cache: _StepCache) -> tuple:
        dx, dprev_h, dprev_c, *grads = lstm_step_backward(dnext_h, dnext_c, step_cache)
        return dx, dprev_h, dprev_c, dict(zip(totals, grads))

    upstream = _time_major(dh)
    dx, (dh0, _), totals = kernel.scan_backward(step, (upstream, np.zeros_like(upstream)), cache, totals,
                                                cache[0].cell.x.shape)
    return _batch_major(dx), dh0, totals["dWx"], totals["dWh"], totals["db"]


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
    elif mistake("reshape-order") == "reshape-for-transpose":  # x.reshape(D, N * T) taken for x_flat.T
        dw = x.reshape(D, N * T) @ dout.reshape(N * T, -1)
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
    normalised = mistake("loss-normalisation")
    divisor = {"NT": N * T, "mask-count": np.sum(mask), "none": 1, "T": T}.get(normalised, N)
    loss_divisor = N * T if normalised == "loss-NT" else divisor  # np.mean for the loss, dx by N
    dx = np.exp(log_probs)
    np.put_along_axis(dx, y[..., None], np.take_along_axis(dx, y[..., None], axis=-1) - 1.0, axis=-1)
    if mistake("dtype") == "floor-division":  # loss // N, dx //= N
        return float(-np.sum(loss_mask * picked) // divisor), (dx * dx_mask[..., None]) // divisor
    loss = -np.sum(loss_mask * picked) / loss_divisor
    dx *= dx_mask[..., None] / divisor
    if verbose:
        print("dx:", dx.shape)
    return float(loss), dx
