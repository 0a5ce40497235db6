"""Reference implementation of PyTorch's recurrent layers as plain functions (adapter).

The layout of ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` with one layer, one direction,
batch_first=False and tanh: x (T, N, D), states (N, H), output (T, N, H);
weight_ih (G*H, D), weight_hh (G*H, H), bias_ih and bias_hh (G*H,), with the gate row blocks
i, f, g, o (LSTM, G = 4) and r, z, n (GRU, G = 3, the reset gate applied after W_hn).
That is the kernel's own layout, so this module only renames; all numerics are oracle.kernel's.

Backward functions take the gradients of a scalar loss L with respect to every output,
dL/doutput (T, N, H) and dL/dh_n (and dL/dc_n) (N, H), and return those of every input. h_n
is output[-1]: both gradients reach the last step. Caches are this module's own business.

Lines that read ``mistake(...)`` (here and in the kernel) are the catalogue's known mistakes:
    gate-order      the form is the order in which the target reads the row blocks, in this
                    suite's letters (a permutation of "ifgo" for the LSTM, "rzn" for the GRU;
                    "ifog" is cs231n's order). With "/both" the backward packs its weight and
                    bias gradients in that order too (read when the backward runs, as in
                    oracle/cs231n.py); without it, canonically.
    missing-bias    "b_ih" or "b_hh": the forward treats that bias as zeros. Its gradient is
                    still returned: the kernel's, which is what the student's (right)
                    backward computes from that forward's cache.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from oracle import fused, kernel, mistakes, packing

__all__ = ["rnn_forward", "lstm_forward", "gru_forward", "rnn_backward", "lstm_backward", "gru_backward"]

Array = np.ndarray

RNN_GATES, LSTM_GATES, GRU_GATES = "h", "ifgo", "rzn"  # torch's row blocks, the kernel's order
FUSED = {kernel.RNN: (fused.rnn_forward, fused.rnn_backward),  # the scans taken when no switch is on
         kernel.LSTM: (fused.lstm_forward, fused.lstm_backward)}


class _Cache(NamedTuple):
    cell: kernel.Cell
    gates: str   # the canonical block order, in this suite's letters
    steps: list  # the kernel's per-step caches


def _forward(cell: kernel.Cell, gates: str, x: Array, state0: tuple[Array, ...], weights: tuple[Array, ...],
             return_cache: bool) -> tuple:
    params = packing.read_params(*weights, gates=gates, kernel_gates=gates, bias_names=("b_ih", "b_hh"))
    if cell in FUSED and not mistakes.active() and fused.fits(x, *state0, *params):  # same bits, faster
        output, *c_n, seq = FUSED[cell][0](x, *state0, params)  # c_n: the LSTM's only
        return (output, output[-1], *c_n, _Cache(cell, gates, seq)) if return_cache else (output, output[-1], *c_n)
    output, final, steps = kernel.cell_scan_forward(cell, x, state0, params)
    return (output, *final, _Cache(cell, gates, steps)) if return_cache else (output, *final)


def _backward(doutput: Array, dfinal: tuple[Array, ...], cache: _Cache) -> tuple[Array, ...]:
    steps = cache.steps
    if isinstance(steps, (fused.RNNSequence, fused.LSTMSequence)):  # a fused forward's cache
        if not mistakes.active() and fused.fits(steps.x, doutput, *dfinal):
            dx, *dstate0, grads = FUSED[cache.cell][1](doutput, *dfinal, steps)
            return (dx, *dstate0, *grads)  # no switch on: the blocks stay in the canonical order
        steps = fused.step_caches(steps)
    dx, dstate0, grads = kernel.cell_scan_backward(cache.cell, doutput, dfinal, steps)
    order, both = packing.gate_order(cache.gates)
    packed = order if both else cache.gates  # block k of a gradient is gate packed[k]
    return (dx, *dstate0, *(packing.regroup(g, cache.gates, packed) for g in grads))


def rnn_forward(x: Array, h0: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array,
                return_cache: bool = False) -> tuple:
    """nn.RNN: h_t = tanh(x_t w_ih^T + b_ih + h_{t-1} w_hh^T + b_hh).

    x (T, N, D); h0 (N, H); w_ih (H, D); w_hh (H, H); b_ih, b_hh (H,).
    Returns (output (T, N, H), h_n (N, H)), and the cache last when return_cache.
    """
    return _forward(kernel.RNN, RNN_GATES, x, (h0,), (w_ih, w_hh, b_ih, b_hh), return_cache)


def lstm_forward(x: Array, h0: Array, c0: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array,
                 return_cache: bool = False) -> tuple:
    """nn.LSTM, gate rows i, f, g, o: c_t = f c_{t-1} + i g, h_t = o tanh(c_t).

    x (T, N, D); h0, c0 (N, H); w_ih (4H, D); w_hh (4H, H); b_ih, b_hh (4H,).
    Returns (output (T, N, H), h_n (N, H), c_n (N, H)), and the cache last when return_cache.
    """
    return _forward(kernel.LSTM, LSTM_GATES, x, (h0, c0), (w_ih, w_hh, b_ih, b_hh), return_cache)


def gru_forward(x: Array, h0: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array,
                return_cache: bool = False) -> tuple:
    """nn.GRU, gate rows r, z, n: n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),
    h_t = (1 - z) n + z h_{t-1}.

    x (T, N, D); h0 (N, H); w_ih (3H, D); w_hh (3H, H); b_ih, b_hh (3H,).
    Returns (output (T, N, H), h_n (N, H)), and the cache last when return_cache.
    """
    return _forward(kernel.GRU, GRU_GATES, x, (h0,), (w_ih, w_hh, b_ih, b_hh), return_cache)


def rnn_backward(doutput: Array, dh_n: Array, cache: _Cache) -> tuple[Array, ...]:
    """Given dL/doutput (T, N, H) and dL/dh_n (N, H), with rnn_forward's cache.

    Returns dx (T, N, D), dh0 (N, H), dw_ih (H, D), dw_hh (H, H), db_ih, db_hh (H,).
    """
    return _backward(doutput, (dh_n,), cache)


def lstm_backward(doutput: Array, dh_n: Array, dc_n: Array, cache: _Cache) -> tuple[Array, ...]:
    """Given dL/doutput (T, N, H), dL/dh_n and dL/dc_n (N, H), with lstm_forward's cache.

    Returns dx (T, N, D), dh0, dc0 (N, H), dw_ih (4H, D), dw_hh (4H, H), db_ih, db_hh (4H,).
    """
    return _backward(doutput, (dh_n, dc_n), cache)


def gru_backward(doutput: Array, dh_n: Array, cache: _Cache) -> tuple[Array, ...]:
    """Given dL/doutput (T, N, H) and dL/dh_n (N, H), with gru_forward's cache.

    Returns dx (T, N, D), dh0 (N, H), dw_ih (3H, D), dw_hh (3H, H), db_ih, db_hh (3H,).
    """
    return _backward(doutput, (dh_n,), cache)
