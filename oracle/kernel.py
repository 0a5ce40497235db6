"""The one numerics kernel: RNN (tanh), LSTM and GRU cells and their scans over time.

Every suite that speaks PyTorch's or ONNX's layout is an adapter over this module
(oracle/torch_suite.py, oracle/onnx_suite.py): they move and rename, the math lives here once.

Layout (PyTorch's, time-major):
    x          (T, N, D)   a sequence; one step's input is (N, D)
    h, c       (N, H)      states
    w_x        (G*H, D)    input weights,     pre-activation z = x @ w_x.T + b_x + h @ w_h.T + b_h
    w_h        (G*H, H)    recurrent weights
    b_x, b_h   (G*H,)      the two biases
G = 1 (RNN), 4 (LSTM; gate blocks i, f, g, o), 3 (GRU; blocks r, z, n).

    RNN   h' = tanh(z)
    LSTM  i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_g)
          c' = f * c + i * g;  h' = o * tanh(c')
    GRU   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr);  z likewise
          reset_after=True  (PyTorch; ONNX linear_before_reset=1):
              n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
          reset_after=False (ONNX's default linear_before_reset=0; the original paper):
              n = tanh(x W_in^T + b_in + (r * h) W_hn^T + b_hn)
          h' = (1 - z) * n + z * h

A cell is a pair of functions with one calling convention, so that one scan serves all three:
    forward(x, *states, params)  -> (*new_states, cache)
    backward(*dnew_states, cache) -> (dx, *dprev_states, Params of gradients)
The hidden state comes first; the LSTM's cell state second. The dtype of the inputs is kept
(float32 in, float32 out), as everywhere in the oracle.

Lines that read ``mistake(...)`` are the catalogue's known mistakes (oracle/mistakes.py): off
unless the diagnosis switches one on. The GRU's two switches are decided in the forward and
kept in its cache, so a backward always agrees with its own forward.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import numpy as np

from oracle.loops import (accumulate, backward_steps, carried, forward_steps, initial_state_gradient, step_cache,
                          step_slot)
from oracle.mistakes import mistake
from oracle.numerics import bias_gradient, dsigmoid_from_output, dtanh_from_output, gate_derivative, sigmoid

__all__ = [
    "Params", "RNNCache", "LSTMCache", "GRUCache", "Cell", "RNN", "LSTM", "GRU", "GRU_RESET_BEFORE",
    "rnn_cell_forward", "rnn_cell_backward", "lstm_cell_forward", "lstm_cell_backward",
    "gru_cell_forward", "gru_cell_backward", "scan_forward", "scan_backward",
    "gate_order", "regroup", "read_params",
]

Array = np.ndarray


class Params(NamedTuple):
    """A cell's weights in the kernel's layout (gate blocks in the kernel's order), or their
    gradients (same names, same shapes)."""
    w_x: Array  # (G*H, D)
    w_h: Array  # (G*H, H)
    b_x: Array  # (G*H,)
    b_h: Array  # (G*H,)


class RNNCache(NamedTuple):
    """What rnn_cell_backward needs: the step's inputs and its output h' (N, H)."""
    x: Array       # (N, D)
    h: Array       # (N, H) previous hidden state
    params: Params
    h_new: Array   # (N, H) tanh(z)


class LSTMCache(NamedTuple):
    """What lstm_cell_backward needs: the step's inputs, the four gates and tanh(c')."""
    x: Array       # (N, D)
    h: Array       # (N, H)
    c: Array       # (N, H) previous cell state
    params: Params
    i: Array       # (N, H) each gate after its activation
    f: Array
    g: Array
    o: Array
    tanh_c: Array  # (N, H) tanh(c')


class GRUCache(NamedTuple):
    """What gru_cell_backward needs, with the two conventions the forward used."""
    x: Array       # (N, D)
    h: Array       # (N, H)
    params: Params
    r: Array       # (N, H) reset gate
    z: Array       # (N, H) update gate
    n: Array       # (N, H) candidate
    h_in: Array    # (N, H) what W_hn multiplies: h (reset after) or r * h (reset before)
    hn: Array      # (N, H) h_in @ W_hn^T + b_hn
    reset_after: bool     # as applied (after the reset-gate-placement switch)
    update_swapped: bool  # True: h' = z * n + (1 - z) * h (update-gate-convention switch)


class Cell(NamedTuple):
    """One cell kind for the scans: see the module docstring for the calling convention."""
    forward: Callable
    backward: Callable
    states: int  # 1 (h) or 2 (h, c)


# ------------------------------------------------------------------------ affine maps

def _affine(a: Array, w: Array, b: Array) -> Array:
    """a @ w.T + b: a (N, K), w (M, K), b (M,) -> (N, M)."""
    return a @ w.T + b


def _affine_backward(dz: Array, a: Array, w: Array) -> tuple[Array, Array, Array]:
    """Gradients of _affine given dz (N, M): da (N, K), dw (M, K), db (M,)."""
    return dz @ w, dz.T @ a, bias_gradient(dz, axis=0, keepdims=False)


# ------------------------------------------------------------------------------ cells

def rnn_cell_forward(x: Array, h: Array, params: Params) -> tuple[Array, RNNCache]:
    """h' = tanh(x w_x^T + b_x + h w_h^T + b_h). x (N, D), h (N, H) -> h' (N, H), cache."""
    h_new = np.tanh(_affine(x, params.w_x, params.b_x) + _affine(h, params.w_h, params.b_h))
    return h_new, RNNCache(x, h, params, h_new)


def rnn_cell_backward(dh_new: Array, cache: RNNCache) -> tuple[Array, Array, Params]:
    """Given dL/dh' (N, H): dx (N, D), dh (N, H), and the Params of gradients."""
    dz = dh_new * dtanh_from_output(cache.h_new)
    dx, dw_x, db_x = _affine_backward(dz, cache.x, cache.params.w_x)
    dh, dw_h, db_h = _affine_backward(dz, cache.h, cache.params.w_h)
    return dx, dh, Params(dw_x, dw_h, db_x, db_h)


def lstm_cell_forward(x: Array, h: Array, c: Array, params: Params) -> tuple[Array, Array, LSTMCache]:
    """One LSTM step, gate blocks i, f, g, o. x (N, D), h, c (N, H) -> h', c' (N, H), cache."""
    z = _affine(x, params.w_x, params.b_x) + _affine(h, params.w_h, params.b_h)
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=1)
    i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), sigmoid(z_o)
    c_new = f * c + i * g
    tanh_c = np.tanh(c_new)
    return o * tanh_c, c_new, LSTMCache(x, h, c, params, i, f, g, o, tanh_c)


def lstm_cell_backward(dh_new: Array, dc_new: Array, cache: LSTMCache) -> tuple[Array, Array, Array, Params]:
    """Given dL/dh' and dL/dc' (N, H): dx (N, D), dh, dc (N, H), and the Params of gradients."""
    x, h, c, params, i, f, g, o, tanh_c = cache
    dc = dc_new + dh_new * o * gate_derivative("c_out", tanh_c, dtanh_from_output)  # all that reaches c'
    dz = np.concatenate([
        dc * g * gate_derivative("i", i, dsigmoid_from_output),
        dc * c * gate_derivative("f", f, dsigmoid_from_output),
        dc * i * gate_derivative("g", g, dtanh_from_output),
        dh_new * tanh_c * gate_derivative("o", o, dsigmoid_from_output),
    ], axis=1)
    dx, dw_x, db_x = _affine_backward(dz, x, params.w_x)
    dh, dw_h, db_h = _affine_backward(dz, h, params.w_h)
    return dx, dh, dc * f, Params(dw_x, dw_h, db_x, db_h)


def gru_cell_forward(x: Array, h: Array, params: Params, reset_after: bool = True) -> tuple[Array, GRUCache]:
    """One GRU step, gate blocks r, z, n (see the module docstring for reset_after).

    x (N, D), h (N, H) -> h' (N, H), cache.
    """
    reset_after = reset_after != (mistake("reset-gate-placement") == "swapped")
    update_swapped = mistake("update-gate-convention") == "swapped"
    H = h.shape[1]
    x_r, x_z, x_n = np.split(_affine(x, params.w_x, params.b_x), 3, axis=1)
    h_r, h_z = np.split(_affine(h, params.w_h[:2 * H], params.b_h[:2 * H]), 2, axis=1)
    r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
    h_in = h if reset_after else r * h
    hn = _affine(h_in, params.w_h[2 * H:], params.b_h[2 * H:])
    n = np.tanh(x_n + r * hn if reset_after else x_n + hn)
    keep = 1.0 - z if update_swapped else z  # the share of h carried into h'
    h_new = (1.0 - keep) * n + keep * h
    return h_new, GRUCache(x, h, params, r, z, n, h_in, hn, reset_after, update_swapped)


def gru_cell_backward(dh_new: Array, cache: GRUCache) -> tuple[Array, Array, Params]:
    """Given dL/dh' (N, H): dx (N, D), dh (N, H), and the Params of gradients."""
    x, h, params, r, z, n, h_in, hn, reset_after, update_swapped = cache
    H = h.shape[1]
    keep = 1.0 - z if update_swapped else z
    # h' = n + keep * (h - n); d keep / dz is -1 when swapped
    dz = dh_new * (h - n) * (-1.0 if update_swapped else 1.0) * gate_derivative("z", z, dsigmoid_from_output)
    dn = dh_new * (1.0 - keep) * gate_derivative("n", n, dtanh_from_output)  # at tanh's input
    dhn = dn * r if reset_after else dn
    dh_in, dw_hn, db_hn = _affine_backward(dhn, h_in, params.w_h[2 * H:])
    dr = (dn * hn if reset_after else dh_in * h) * gate_derivative("r", r, dsigmoid_from_output)
    dh_rz, dw_hrz, db_hrz = _affine_backward(np.concatenate([dr, dz], axis=1), h, params.w_h[:2 * H])
    dx, dw_x, db_x = _affine_backward(np.concatenate([dr, dz, dn], axis=1), x, params.w_x)
    dh = dh_new * keep + dh_rz + (dh_in if reset_after else dh_in * r)
    return dx, dh, Params(dw_x, np.concatenate([dw_hrz, dw_hn]), db_x, np.concatenate([db_hrz, db_hn]))


RNN = Cell(rnn_cell_forward, rnn_cell_backward, 1)
LSTM = Cell(lstm_cell_forward, lstm_cell_backward, 2)
GRU = Cell(gru_cell_forward, gru_cell_backward, 1)  # reset after (PyTorch)
GRU_RESET_BEFORE = Cell(partial(gru_cell_forward, reset_after=False), gru_cell_backward, 1)  # ONNX's default


# ------------------------------------------------------------------------------ scans

def _check_states(cell: Cell, states: tuple[Array, ...]) -> None:
    if len(states) != cell.states:  # zip would silently drop a state or its gradient
        raise ValueError(f"this cell carries {cell.states} state(s), got {len(states)}")


def scan_forward(cell: Cell, x: Array, state0: tuple[Array, ...], params: Params
                 ) -> tuple[Array, tuple[Array, ...], list]:
    """Run ``cell`` over x (T, N, D) from state0 ((h0,) or (h0, c0), each (N, H)).

    Returns the hidden state of every step (T, N, H), the final states (same kinds as
    state0) and the per-step caches (a list of the cell's cache type).
    """
    _check_states(cell, state0)
    T = x.shape[0]
    outputs = np.zeros((T, *state0[0].shape), dtype=np.result_type(x, *state0, *params))
    state, caches = tuple(state0), []
    for t in forward_steps(T):
        *state, cache = cell.forward(x[t], *state, params)
        outputs[t] = state[0]
        caches.append(cache)
    return outputs, tuple(state), caches


def scan_backward(cell: Cell, doutput: Array, dstate_n: tuple[Array, ...], caches: list
                  ) -> tuple[Array, tuple[Array, ...], Params]:
    """Backward through scan_forward, given doutput = dL/doutputs (T, N, H) and dstate_n, the
    gradients of the final states ((dh_n,) or (dh_n, dc_n), each (N, H)).

    Returns dx (T, N, D), the gradients of the initial states (like dstate_n), and the
    parameter gradients summed over time (Params).
    """
    _check_states(cell, dstate_n)
    T = doutput.shape[0]
    first = caches[0]
    dtype = np.result_type(doutput, *dstate_n, first.x, *first.params)
    # What reaches each state from outside the recurrence: the outputs are the hidden states
    # (h_n is output[-1], so dh_n adds at the last step); the cell state only at the end.
    upstream = [doutput.astype(dtype)] + [np.zeros(doutput.shape, dtype) for _ in dstate_n[1:]]
    for u, d in zip(upstream, dstate_n):
        u[-1] += d
    dx = np.zeros((T, *first.x.shape), dtype=dtype)
    totals = {name: np.zeros(p.shape, dtype) for name, p in zip(Params._fields, first.params)}
    dnext = [np.zeros(doutput.shape[1:], dtype) for _ in upstream]  # carried back from step t+1
    for t in backward_steps(T):
        dstates = (u[t] + carried(d, kind) for u, d, kind in zip(upstream, dnext, ("hidden", "cell")))
        dx[step_slot(t)], *dnext, grads = cell.backward(*dstates, step_cache(caches, t))
        accumulate(totals, grads._asdict())
    return dx, (initial_state_gradient(dnext[0], upstream[0][0]), *dnext[1:]), Params(**totals)


# ------------------------------------------------------------- adapters' shared helpers

def gate_order(gates: str) -> tuple[str, bool]:
    """The order in which a target reads the gate row blocks, and whether its backward packs
    the weight/bias gradients in that order too.

    ``gates`` is the adapter's canonical order in its own letters (e.g. "ifgo", "zrh"). The
    "gate-order" mistake's form is a permutation of those letters, optionally with "/both";
    a form made of other letters belongs to another cell or suite and changes nothing here.
    """
    order, _, suffix = mistake("gate-order").partition("/")
    if sorted(order) != sorted(gates):
        return gates, False
    return order, suffix == "both"


def regroup(a: Array, src: str, dst: str, axis: int = 0) -> Array:
    """``a``'s len(src) equal blocks along ``axis``, block k being gate src[k], rearranged so
    that block k is gate dst[k] (the same letters in another order)."""
    if src == dst:
        return a
    blocks = dict(zip(src, np.split(a, len(src), axis=axis)))
    return np.concatenate([blocks[gate] for gate in dst], axis=axis)


def read_params(w_x: Array, w_h: Array, b_x: Array, b_h: Array, *, gates: str, kernel_gates: str,
                bias_names: tuple[str, str]) -> Params:
    """The kernel's Params from a target's packed weights, as the target reads them.

    ``gates``: the target's canonical block order; ``kernel_gates``: the kernel's order in the
    same letters. The blocks are read in the gate-order mistake's order when one applies; the
    bias that a "missing-bias" form names (``bias_names`` = (name of b_x, name of b_h)) is zeros.
    """
    order, _ = gate_order(gates)
    b_x, b_h = (np.zeros_like(b) if mistake("missing-bias") == name else b for b, name in zip((b_x, b_h), bias_names))
    return Params(*(regroup(a, order, kernel_gates) for a in (w_x, w_h, b_x, b_h)))
