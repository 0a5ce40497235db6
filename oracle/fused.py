"""The RNN's and the LSTM's scans over time with every catalogue switch off, at the GEMM rate.

oracle.kernel's cells and scans are the definition, step by step, with the catalogue's switch points;
this module is the same arithmetic for a whole sequence when no mistake is switched on (the adapters
ask ``mistakes.active()`` once per call): the input projection x w_x^T of all steps is one product,
and dx, dw_x and dw_h one product each per block of steps after the backward loop has written its dz
(``_Products``); inside the loops only the recurrent products h w_h^T and dz w_h remain, with the
elementwise work written into buffers allocated once. Per step the formulas and their order of
operations are the kernel's (``preactivation``, ``rnn_preactivation_gradient``, ``lstm_gates``,
``lstm_preactivation_gradient``), so h, c and the states' gradients keep their bits; the weight and
bias gradients summed in a few products differ from the per-step sums by rounding only. Every operand
of a product is the one the step path hands BLAS, in the same memory order: a C-ordered copy of
cs231n's w_h = Wh.T would make dz w_h ~10 % faster, but changes its bits on small shapes.

Layout: the kernel's Params (w_x (G*H, D), w_h (G*H, H), b_x, b_h (G*H,)); the LSTM's 4H axis packed in
``order`` (any arrangement of the letters i, f, g, o: the kernel's "ifgo", cs231n's "ifog"), and the
sequences time-major (T, N, .) or, with ``time_axis=1``, batch-major (N, T, .) (an adapter hands over
its own arrays and gets its own layout back). Inside, every per-step array is time-major: a step's
(N, .) block is contiguous, where in (N, T, .) its rows would lie T*4H*8 bytes apart (a power of two
here: every row in the same cache sets).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from oracle.kernel import LSTMCache, Params, RNNCache, weight_gradient

__all__ = ["RNNSequence", "LSTMSequence", "rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward", "fits",
           "step_caches"]

Array = np.ndarray


class RNNSequence(NamedTuple):
    """What rnn_backward needs; every array time-major and C-contiguous."""
    x: Array        # (T, N, D): the input
    h_prev: Array   # (T, N, H): the hidden state each step read (h0 first)
    h: Array        # (T, N, H): the hidden state each step wrote (h_prev shifted by one step)
    params: Params
    time_axis: int


class LSTMSequence(NamedTuple):
    """What lstm_backward needs; every array time-major and C-contiguous."""
    x: Array        # (T, N, D): the input
    h_prev: Array   # (T, N, H): the hidden state each step read (h0 first)
    c_prev: Array   # (T, N, H): the cell state each step read (c0 first)
    gates: Array    # (T, N, 4H): i, f, g, o after their activations, packed in ``order``
    tanh_c: Array   # (T, N, H): tanh of each step's new cell state
    params: Params
    order: str
    time_axis: int


def fits(x: Array, *arrays: Array | float) -> bool:
    """Whether the fused scan reproduces the kernel's bits here: floating arrays of one dtype
    (mixed dtypes promote in the step-by-step order only)."""
    dtype = x.dtype
    return dtype.kind == "f" and all(isinstance(a, np.ndarray) and a.dtype == dtype or isinstance(a, float)
                                     for a in arrays)


def _steps(a: Array, time_axis: int) -> Array:
    """A time-major view of a sequence array: ``view[t]`` is step t's (N, .) block."""
    return a if time_axis == 0 else a.swapaxes(0, 1)


def _rows(a: Array) -> Array:
    """A (.., .., K) sequence array as the (T*N, K) matrix of its rows, in memory order."""
    return a.reshape(-1, a.shape[-1]) if a.flags.c_contiguous else np.ascontiguousarray(a).reshape(-1, a.shape[-1])


def _blocks(order: str, H: int) -> dict[str, slice]:
    return {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(order)}


def _sigmoid_runs(order: str, H: int) -> list[slice]:
    """The column ranges of the sigmoid gates (i, f, o), adjacent blocks as one: cs231n's "ifog"
    is one (N, 3H) run, the kernel's "ifgo" two."""
    runs: list[slice] = []
    for k, gate in enumerate(order):
        if gate == "g":
            continue
        if runs and runs[-1].stop == k * H:
            runs[-1] = slice(runs[-1].start, (k + 1) * H)
        else:
            runs.append(slice(k * H, (k + 1) * H))
    return runs


def _sigmoid_into(a: Array, tmp: Array, den: Array, num: Array) -> None:
    """a <- sigmoid(a) in place, with numerics.sigmoid's formula: where(a >= 0, 1, z) / (1 + z),
    z = exp(-|a|), in its bits: the numerator is max(z, [a >= 0]), as z <= 1 (a masked ufunc
    or np.where is ~20x a plain one)."""
    np.greater_equal(a, 0, out=num)  # 1.0 or 0.0
    np.abs(a, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    np.maximum(tmp, num, out=num)
    np.add(1.0, tmp, out=den)
    np.divide(num, den, out=a)


def rnn_forward(x: Array, h0: Array, params: Params, time_axis: int = 0) -> tuple[Array, RNNSequence]:
    """The tanh RNN over x ((T, N, D), or (N, T, D) with time_axis=1) from h0 (N, H), with the
    kernel's Params (w_x (H, D), w_h (H, H), b_x, b_h (H,)).

    Returns the hidden states of every step (same layout as x, (.., .., H)) and the cache.
    """
    x = np.ascontiguousarray(_steps(x, time_axis))  # (T, N, D)
    (T, N, _), H = x.shape, h0.shape[1]
    states = np.empty((T + 1, N, H), x.dtype)  # h0, h_1 .. h_T: each step reads block t, writes t + 1
    states[0] = h0
    np.matmul(_rows(x), params.w_x.T, out=states[1:].reshape(T * N, H))  # every step's x w_x^T at once
    bias, w_hT, hw = params.b_x + params.b_h, params.w_h.T, np.empty((N, H), x.dtype)
    for t in range(T):
        z = states[t + 1]
        np.matmul(states[t], w_hT, out=hw)
        z += hw  # x w_x^T + h w_h^T + bias: the kernel's order of the sums
        z += bias
        np.tanh(z, out=z)
    h = states[1:]  # the output is a copy: not the cache's memory
    return (h.copy() if time_axis == 0 else np.ascontiguousarray(h.swapaxes(0, 1))), RNNSequence(
        x, states[:-1], h, params, time_axis)


def rnn_backward(doutput: Array, dh_n: Array | None, cache: RNNSequence, right: bool = False
                 ) -> tuple[Array, Array, Params]:
    """Backward through rnn_forward, given dL/doutputs (same layout as the outputs) and, if any,
    dL/dh_T (N, H).

    Returns dx (x's layout), dh0 (N, H) and the Params of gradients summed over time (dw_x (H, D),
    dw_h (H, H); with right=True (D, H) and (H, H), C-ordered), db_x = db_h (H,).
    """
    x, h_prev, h, params, time_axis = cache
    (T, N, H), dtype = h.shape, h.dtype
    products = _Products(x, h_prev, params, right)
    up_steps = _steps(doutput, time_axis)
    dh_next = np.zeros((N, H), dtype) if dh_n is None else dh_n.astype(dtype)
    for t in range(T - 1, -1, -1):
        d = products.at(t)
        np.square(h[t], out=d)
        np.subtract(1.0, d, out=d)  # tanh's slope 1 - h^2
        d *= np.add(up_steps[t], dh_next, out=dh_next)  # (upstream + carried) (1 - h^2)
        np.matmul(d, params.w_h, out=dh_next)
        products.done(t)
    dx, grads = products.result(time_axis)
    return dx, dh_next, grads


def lstm_forward(x: Array, h0: Array, c0: Array, params: Params, order: str = "ifgo", time_axis: int = 0
                 ) -> tuple[Array, Array, LSTMSequence]:
    """The LSTM over x ((T, N, D), or (N, T, D) with time_axis=1) from h0, c0 (N, H).

    Returns the hidden states of every step (same layout as x, (.., .., H)), the last cell state
    c_T (N, H), and the cache.
    """
    x = np.ascontiguousarray(_steps(x, time_axis))  # (T, N, D)
    (T, N, _), H, dtype = x.shape, h0.shape[1], x.dtype
    gates = (_rows(x) @ params.w_x.T).reshape(T, N, 4 * H)  # every step's x w_x^T at once
    hs, cs = np.empty((T + 1, N, H), dtype), np.empty((T + 1, N, H), dtype)  # states: step t reads t, writes t + 1
    hs[0], cs[0] = h0, c0
    tanh_c = np.empty((T, N, H), dtype)
    bias = np.broadcast_to(params.b_x + params.b_h, (N, 4 * H)).copy()  # a += bias unbroadcast: ~2/3 the time
    w_hT = params.w_h.T
    s = _blocks(order, H)
    runs = _sigmoid_runs(order, H)
    hw = np.empty((N, 4 * H), dtype)
    tmp, den, num = (np.empty((N, 3 * H), dtype) for _ in range(3))
    for t in range(T):
        a, c = gates[t], cs[t + 1]
        np.matmul(hs[t], w_hT, out=hw)
        a += hw  # x w_x^T + h w_h^T (+ bias below): the kernel's order of the sums
        a += bias
        for run in runs:
            width = run.stop - run.start
            _sigmoid_into(a[:, run], tmp[:, :width], den[:, :width], num[:, :width])
        np.tanh(a[:, s["g"]], out=a[:, s["g"]])
        np.multiply(a[:, s["f"]], cs[t], out=c)
        np.multiply(a[:, s["i"]], a[:, s["g"]], out=tmp[:, :H])
        c += tmp[:, :H]  # c' = f c + i g
        np.tanh(c, out=tanh_c[t])
        np.multiply(a[:, s["o"]], tanh_c[t], out=hs[t + 1])
    out = hs[1:].copy() if time_axis == 0 else np.ascontiguousarray(hs[1:].swapaxes(0, 1))  # not the cache's memory
    return out, cs[T], LSTMSequence(x, hs[:-1], cs[:-1], gates, tanh_c, params, order, time_axis)


def lstm_backward(doutput: Array, dh_n: Array | None, dc_n: Array | None, cache: LSTMSequence, right: bool = False
                  ) -> tuple[Array, Array, Array, Params]:
    """Backward through lstm_forward, given dL/doutputs (same layout as the outputs) and, if any,
    dL/dh_T and dL/dc_T (N, H).

    Returns dx (x's layout), dh0, dc0 (N, H) and the Params of gradients summed over time (dw_x
    (4H, D), dw_h (4H, H); with right=True (D, 4H) and (H, 4H), C-ordered), db_x = db_h (4H,).
    """
    x, h_prev, c_prev, gates, tanh_c, params, order, time_axis = cache
    (T, N, H), dtype = h_prev.shape, gates.dtype
    s = _blocks(order, H)
    products = _Products(x, h_prev, params, right)
    g_steps, tc_steps, cp_steps, up_steps = gates, tanh_c, c_prev, _steps(doutput, time_axis)
    dh_next = np.zeros((N, H), dtype) if dh_n is None else dh_n.astype(dtype)
    dc_next = np.zeros((N, H), dtype) if dc_n is None else dc_n.astype(dtype)
    dh, dc, tmp, slope = (np.empty((N, H), dtype) for _ in range(4))
    for t in range(T - 1, -1, -1):
        a, d, tc = g_steps[t], products.at(t), tc_steps[t]
        i, f, g, o = (a[:, s[gate]] for gate in "ifgo")
        np.add(up_steps[t], dh_next, out=dh)
        np.multiply(dh, o, out=tmp)
        np.square(tc, out=slope)
        np.subtract(1.0, slope, out=slope)
        tmp *= slope
        np.add(dc_next, tmp, out=dc)  # dc' + dh' o (1 - tanh(c')^2)
        for gate, first, second in (("i", dc, g), ("f", dc, cp_steps[t]), ("g", dc, i), ("o", dh, tc)):
            block = d[:, s[gate]]
            np.multiply(first, second, out=block)
            out_ = a[:, s[gate]]
            if gate == "g":
                np.square(out_, out=slope)
                np.subtract(1.0, slope, out=slope)
            else:
                np.subtract(1.0, out_, out=slope)
                slope *= out_
            block *= slope
        np.multiply(dc, f, out=dc_next)
        np.matmul(d, params.w_h, out=dh_next)
        products.done(t)
    dx, grads = products.result(time_axis)
    return dx, dh_next, dc_next, grads


BLOCK_BYTES = 8 << 20  # dL/dz of a block of steps: under glibc's 32 MB mmap ceiling, so reused memory
# (a fresh (T, N, 4H) float64 array of 32 MB or more is a new mapping every call: every page faults in)


class _Products:
    """What a backward loop leaves to products over many steps: dx (T, N, D), and dw_x, dw_h, db summed
    over time. The loop writes dL/dz (N, G*H) of step t into ``at(t)``; once the lowest step of a block
    is written, ``done(t)`` takes that block's products (one each over all its rows: dx keeps its bits,
    the sums over blocks differ from one product by rounding only)."""

    def __init__(self, x: Array, h_prev: Array, params: Params, right: bool) -> None:
        (T, N, _), width = x.shape, params.w_h.shape[0]
        self.steps = max(1, min(T, BLOCK_BYTES // (N * width * x.itemsize)))
        self.dz = np.empty((self.steps, N, width), x.dtype)
        self.dx = np.empty(x.shape, x.dtype)
        self.x, self.h_prev, self.params, self.right = x, h_prev, params, right
        self.sums: list[Array] = []

    def at(self, t: int) -> Array:
        return self.dz[t % self.steps]

    def done(self, t: int) -> None:
        if t % self.steps:
            return
        stop = min(t + self.steps, self.x.shape[0])
        rows = _rows(self.dz[:stop - t])
        np.matmul(rows, self.params.w_x, out=self.dx[t:stop].reshape(rows.shape[0], -1))
        parts = (weight_gradient(rows, _rows(self.x[t:stop]), self.right),
                 weight_gradient(rows, _rows(self.h_prev[t:stop]), self.right), rows.sum(axis=0))
        if not self.sums:
            self.sums = list(parts)
        else:
            for total, part in zip(self.sums, parts):
                total += part

    def result(self, time_axis: int) -> tuple[Array, Params]:
        """dx (x's layout) and the Params of gradients (right=True: the weight gradients as (K, G*H))."""
        dw_x, dw_h, db = self.sums
        dx = self.dx if time_axis == 0 else np.ascontiguousarray(self.dx.swapaxes(0, 1))
        return dx, Params(dw_x, dw_h, db, db.copy())


def step_caches(cache: RNNSequence | LSTMSequence) -> list[RNNCache] | list[LSTMCache]:
    """The kernel's per-step caches (views), for a backward that runs step by step (a mistake on)."""
    if isinstance(cache, RNNSequence):
        return [RNNCache(cache.x[t], cache.h_prev[t], cache.params, cache.h[t]) for t in range(cache.x.shape[0])]
    steps = [cache.x, cache.h_prev, cache.c_prev, cache.gates, cache.tanh_c]
    s = _blocks(cache.order, cache.h_prev.shape[2])
    return [LSTMCache(x[t], h[t], c[t], cache.params, *(a[t][:, s[gate]] for gate in "ifgo"), tc[t])
            for x, h, c, a, tc in [steps] for t in range(x.shape[0])]
