"""The one numerics kernel: RNN (tanh), LSTM and GRU cells and their scans over time.

Every suite is an adapter over this module (oracle/dlai.py, cs231n.py, torch_suite.py,
onnx_suite.py): they move axes, rename and pack gates (oracle/packing.py), and pick the
operands of their own layout's known mistakes; the cells' and the loops' math lives here once. The affine pieces
(affine, input_gradient, weight_gradient) are separate functions so that an adapter can hand
them the operands a mistake uses (a weight transposed, a gradient in place of a weight).

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
from typing import Any, NamedTuple

import numpy as np

from oracle.loops import (accumulate, backward_steps, carried, forward_steps, initial_state_gradient, step_cache,
                          step_slot)
from oracle.mistakes import mistake
from oracle.numerics import bias_gradient, dsigmoid_from_output, dtanh_from_output, gate_derivative, sigmoid

__all__ = [
    "Params", "RNNCache", "LSTMCache", "GRUCache", "Cell", "RNN", "LSTM", "GRU", "GRU_RESET_BEFORE", "Scan",
    "affine", "input_gradient", "weight_gradient", "activation", "lstm_gates",
    "preactivation", "rnn_cell_forward", "rnn_preactivation_gradient", "rnn_cell_backward",
    "lstm_cell_forward", "lstm_preactivation_gradient", "lstm_cell_backward", "gru_cell_forward", "gru_cell_backward",
    "scan_forward", "scan_backward", "cell_scan_forward", "cell_scan_backward",
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


# ----------------------------------------------------------------- the affine pieces
# z = a @ w.T + b and its three gradients, one function each: an adapter whose layout
# has its own known mistakes (a weight used transposed, a gradient in place of a weight)
# calls them with the operands the mistake uses; the formulas stay here.

def affine(a: Array, w: Array, b: Array | float) -> Array:
    """a @ w.T + b: a (N, K), w (M, K), b (M,) -> (N, M)."""
    return a @ w.T + b


def input_gradient(dz: Array, w: Array) -> Array:
    """d(affine)/da given dz (N, M) and w (M, K): (N, K)."""
    return dz @ w


def weight_gradient(dz: Array, a: Array, right: bool = False) -> Array:
    """d(affine)/dw given dz (N, M) and a (N, K): (M, K), summed over the batch; right=True gives
    it as (K, M), for a layout whose weights act from the right (x W), C-ordered (summing
    transposed views into C-ordered totals costs ~4x an aligned add)."""
    return a.T @ dz if right else dz.T @ a


def _affine_backward(dz: Array, a: Array, w: Array) -> tuple[Array, Array, Array]:
    """All three gradients of affine given dz (N, M): da (N, K), dw (M, K), db (M,)."""
    return input_gradient(dz, w), weight_gradient(dz, a), bias_gradient(dz, axis=0, keepdims=False)


# ------------------------------------------------------------------------------ cells
# ``names`` maps the kernel's gate names (h; i, f, g, o, c_out; r, z, n) to the suite's own,
# in which the catalogue's activation forms are written (dlai calls the candidate "c").

KERNEL_NAMES: dict[str, str] = {}  # the kernel's own names


def activation(gate: str, z: Array, canonical: Callable, names: dict[str, str] = KERNEL_NAMES) -> Array:
    """``canonical(z)`` (np.tanh or sigmoid) for ``gate``, unless a catalogue mistake replaces it:
    missing-activation (z itself) or wrong-activation (the other one)."""
    name = names.get(gate, gate)
    if mistake("missing-activation") == name:
        return z
    wrong = mistake("wrong-activation")
    if wrong == name:
        return sigmoid(z) if canonical is np.tanh else np.tanh(z)
    if wrong == f"{name}-relu":
        return np.maximum(z, 0.0)
    if wrong == f"{name}-after-sigmoid":  # sigmoid over the whole gate block, then this gate's own on top
        return canonical(sigmoid(z))
    return canonical(z)


def preactivation(x: Array, h: Array, params: Params) -> Array:
    """z = x w_x^T + h w_h^T + (b_x + b_h): x (N, D), h (N, H) -> (N, G*H). Summed in the order the
    courses write it (their one bias b = b_x, b_h = 0 then adds exactly), which keeps their fixtures'
    bits; PyTorch's own order differs from it by rounding only."""
    return x @ params.w_x.T + h @ params.w_h.T + (params.b_x + params.b_h)


def rnn_cell_forward(x: Array, h: Array, params: Params, names: dict[str, str] = KERNEL_NAMES
                     ) -> tuple[Array, RNNCache]:
    """h' = tanh(x w_x^T + b_x + h w_h^T + b_h). x (N, D), h (N, H) -> h' (N, H), cache."""
    h_new = activation("h", preactivation(x, h, params), np.tanh, names)
    return h_new, RNNCache(x, h, params, h_new)


def rnn_preactivation_gradient(dh_new: Array, h_new: Array, z: Callable[[], Array] | None = None) -> Array:
    """dL/dz of h' = tanh(z), given dL/dh' (N, H) and h' (N, H). ``z()`` recomputes z, for the
    activation-derivative form "tanh-preactivation" (1 - z^2: the output's formula on the input)."""
    if z is not None and mistake("activation-derivative") == "tanh-preactivation":
        return dh_new * (1.0 - z()**2)
    return dh_new * dtanh_from_output(h_new)


def rnn_cell_backward(dh_new: Array, cache: RNNCache) -> tuple[Array, Array, Params]:
    """Given dL/dh' (N, H): dx (N, D), dh (N, H), and the Params of gradients."""
    dz = rnn_preactivation_gradient(dh_new, cache.h_new, lambda: preactivation(cache.x, cache.h, cache.params))
    dx, dw_x, db_x = _affine_backward(dz, cache.x, cache.params.w_x)
    dh, dw_h, db_h = _affine_backward(dz, cache.h, cache.params.w_h)
    return dx, dh, Params(dw_x, dw_h, db_x, db_h)


def lstm_gates(z: Array, c: Array, names: dict[str, str] = KERNEL_NAMES) -> tuple[Array, ...]:
    """From the pre-activations z (N, 4H), blocks i, f, g, o, and the previous cell state c (N, H):
    (h', c', i, f, g, o, tanh(c')), each (N, H)."""
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=1)
    i, f, g, o = (activation(gate, block, fn, names) for gate, block, fn in
                  (("i", z_i, sigmoid), ("f", z_f, sigmoid), ("g", z_g, np.tanh), ("o", z_o, sigmoid)))
    c_new = f * c + i * g
    tanh_c = activation("c_out", c_new, np.tanh, names)
    return o * tanh_c, c_new, i, f, g, o, tanh_c


def lstm_cell_forward(x: Array, h: Array, c: Array, params: Params, names: dict[str, str] = KERNEL_NAMES
                      ) -> tuple[Array, Array, LSTMCache]:
    """One LSTM step, gate blocks i, f, g, o. x (N, D), h, c (N, H) -> h', c' (N, H), cache."""
    h_new, c_new, i, f, g, o, tanh_c = lstm_gates(preactivation(x, h, params), c, names)
    return h_new, c_new, LSTMCache(x, h, c, params, i, f, g, o, tanh_c)


def lstm_preactivation_gradient(dh_new: Array, dc_new: Array, cache: LSTMCache,
                                names: dict[str, str] = KERNEL_NAMES) -> tuple[Array, Array]:
    """dL/dz (N, 4H), blocks i, f, g, o, and dL/dc (N, H) of the previous cell state, given dL/dh'
    and dL/dc' (N, H). Switch points: gradient-not-carried ("dc_next-ignored"), forget-gate-factor
    ("no-c_prev", "c_next", "no-f") and each gate's activation-derivative."""
    _, _, c, _, i, f, g, o, tanh_c = cache
    dc_new = 0.0 * dc_new if mistake("gradient-not-carried") == "dc_next-ignored" else dc_new

    def slope(gate: str, out: Array, canonical: Callable) -> Array:
        return gate_derivative(names.get(gate, gate), out, canonical)
    if mistake("activation-derivative") == "c_out-preactivation":  # 1 - c'^2 for tanh(c')'s slope
        dc = dc_new + dh_new * o * (1.0 - (f * c + i * g)**2)
    else:
        dc = dc_new + dh_new * o * slope("c_out", tanh_c, dtanh_from_output)  # all that reaches c'
    form = mistake("forget-gate-factor")  # f * c + i * g computed only when that form is on
    forget_factor = 1.0 if form == "no-c_prev" else f * c + i * g if form == "c_next" else c
    dz = np.concatenate([
        dc * g * slope("i", i, dsigmoid_from_output),
        dc * forget_factor * slope("f", f, dsigmoid_from_output),
        dc * i * slope("g", g, dtanh_from_output),
        dh_new * tanh_c * slope("o", o, dsigmoid_from_output),
    ], axis=1)
    return dz, dc if form == "no-f" else dc * f


def lstm_cell_backward(dh_new: Array, dc_new: Array, cache: LSTMCache) -> tuple[Array, Array, Array, Params]:
    """Given dL/dh' and dL/dc' (N, H): dx (N, D), dh, dc (N, H), and the Params of gradients."""
    dz, dc = lstm_preactivation_gradient(dh_new, dc_new, cache)
    dx, dw_x, db_x = _affine_backward(dz, cache.x, cache.params.w_x)
    dh, dw_h, db_h = _affine_backward(dz, cache.h, cache.params.w_h)
    return dx, dh, dc, Params(dw_x, dw_h, db_x, db_h)


def gru_cell_forward(x: Array, h: Array, params: Params, reset_after: bool = True) -> tuple[Array, GRUCache]:
    """One GRU step, gate blocks r, z, n (see the module docstring for reset_after).

    x (N, D), h (N, H) -> h' (N, H), cache.
    """
    reset_after = reset_after != (mistake("reset-gate-placement") == "swapped")
    update_swapped = mistake("update-gate-convention") == "swapped"
    H = h.shape[1]
    x_r, x_z, x_n = np.split(affine(x, params.w_x, params.b_x), 3, axis=1)
    h_r, h_z = np.split(affine(h, params.w_h[:2 * H], params.b_h[:2 * H]), 2, axis=1)
    r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
    h_in = h if reset_after else r * h
    hn = affine(h_in, params.w_h[2 * H:], params.b_h[2 * H:])
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
# Written once for every suite, time first; a step's arrays in its step function's layout (dlai's
# (features, batch), the others' (batch, features)). The loops' mistakes are switched here; with none
# on, cs231n and torch take oracle/fused.py for RNN and LSTM (the same bits, all steps' products at once).

class Scan(NamedTuple):
    """What scan_forward gives."""
    outputs: Array         # (T, *h.shape): the hidden state stored for every step
    cells: Array | None    # (T, *c.shape): the cell state stored for every step (LSTM), else None
    final: tuple           # the states after the last step
    caches: list           # one per step run, in the order run
    steps: list[int]       # the steps run


def _step_input(x: Array, t: int) -> Array:
    """x_t as a forward loop reads it (wrong-step-input, index-offset "x-previous")."""
    form = mistake("wrong-step-input")
    if form in ("last-x", "first-x"):
        return x[-1 if form == "last-x" else 0]
    return x[t - 1] if mistake("index-offset") == "x-previous" else x[t]


def _step_state(initial: Array, carried_state: Array) -> Array:
    """The hidden state fed to a step: the one carried from the previous step."""
    form = mistake("wrong-step-input")
    if form == "initial-every-step":
        return initial
    if form == "zeros-every-step" or (form == "initial-ignored" and carried_state is initial):
        return np.zeros_like(initial)
    return carried_state


def scan_forward(step: Callable, x: Array, state0: tuple[Array, ...], *args: Any) -> Scan:
    """Run ``step(x_t, *states, *args) -> (*new_states, cache)`` over x (T, ...) from state0
    ((h0,) or (h0, c0)). The hidden state of every step is stored (zeros where a step is
    skipped), and the LSTM's cell state too."""
    T = x.shape[0]
    dtype = np.result_type(x, *state0)
    outputs = np.zeros((T, *state0[0].shape), dtype=dtype)
    cells = np.zeros((T, *state0[1].shape), dtype=dtype) if len(state0) > 1 else None
    states, caches, steps = tuple(state0), [], list(forward_steps(T))
    for t in steps:
        before = states
        fed = (_step_state(state0[0], states[0]),
               *((state0[1] if mistake("state-not-carried") == "cell" else states[1],) if cells is not None else ()))
        if len(fed) == 2 and mistake("wrong-step-input") == "states-swapped":  # step(x, c, h): LSTM only
            fed = fed[::-1]
        *states, cache = step(_step_input(x, t), *fed, *args)
        outputs[t] = {"previous": before[0], "cell-for-hidden": states[-1]}.get(mistake("state-off-by-one"), states[0])
        if cells is not None:
            cells[t] = {"cell-previous": before[1], "hidden-for-cell": states[0]}.get(mistake("state-off-by-one"), states[1])
        caches.append(cache)
    return Scan(outputs, cells, tuple(states), caches, steps)


def scan_backward(step_backward: Callable, upstream: tuple[Array, ...], caches: list, totals: dict[str, Array],
                  input_shape: tuple[int, ...]) -> tuple[Array, tuple[Array, ...], dict[str, Array]]:
    """Backward through scan_forward. ``upstream``: what reaches each state from outside the
    recurrence at every step, time first ((T, *h.shape), and for the LSTM (T, *c.shape));
    ``step_backward(*dstates, cache) -> (dx_t, *dprev_states, {name: gradient})``; ``totals``:
    the parameter gradients to sum into, zeros shaped as the parameters (a step gradient of
    another shape broadcasts, as in a student's ``dW = dW + ...``); ``input_shape``: one step's
    input x_t (a loop that skips every step still returns dx).

    Returns dx (T, *input_shape) (zeros at steps not run), the initial states' gradients and
    the totals.
    """
    T, dtype = upstream[0].shape[0], upstream[0].dtype
    dx = np.zeros((T, *input_shape), dtype=dtype)
    dnext = [np.zeros(u.shape[1:], dtype) for u in upstream]  # carried back from step t+1
    for t in backward_steps(T):
        dstates = (u[t] + carried(d, kind) for u, d, kind in zip(upstream, dnext, ("hidden", "cell")))
        dx[step_slot(t)], *dnext, grads = step_backward(*dstates, step_cache(caches, t))
        accumulate(totals, grads)
    return dx, (initial_state_gradient(dnext[0], upstream[0][0]), *dnext[1:]), totals


def cell_scan_backward(cell: Cell, doutput: Array, dstate_n: tuple[Array, ...], caches: list
                       ) -> tuple[Array, tuple[Array, ...], Params]:
    """scan_backward for a kernel cell, given doutput = dL/doutputs (T, N, H) and the gradients
    of the final states ((dh_n,) or (dh_n, dc_n), each (N, H)): the outputs are the hidden
    states (h_n is output[-1], so dh_n adds at the last step); the cell state gets dc_n only
    there. Returns dx (T, N, D), the initial states' gradients, and Params summed over time."""
    _check_states(cell, dstate_n)
    first = caches[0]
    dtype = np.result_type(doutput, *dstate_n, first.x, *first.params)
    upstream = [doutput.astype(dtype)] + [np.zeros(doutput.shape, dtype) for _ in dstate_n[1:]]
    for u, d in zip(upstream, dstate_n):
        u[-1] += d

    def step_backward(*args: Any) -> tuple:
        *rest, grads = cell.backward(*args)
        return (*rest, grads._asdict())

    totals = {name: np.zeros(p.shape, dtype) for name, p in zip(Params._fields, first.params)}
    dx, dstate0, totals = scan_backward(step_backward, tuple(upstream), caches, totals, first.x.shape)
    return dx, dstate0, Params(**totals)


def cell_scan_forward(cell: Cell, x: Array, state0: tuple[Array, ...], params: Params
                      ) -> tuple[Array, tuple[Array, ...], list]:
    """scan_forward for a kernel cell: (outputs (T, N, H), final states, caches)."""
    _check_states(cell, state0)
    scan = scan_forward(cell.forward, x, state0, params)
    return scan.outputs, scan.final, scan.caches


def _check_states(cell: Cell, states: tuple[Array, ...]) -> None:
    if len(states) != cell.states:  # zip would silently drop a state or its gradient
        raise ValueError(f"this cell carries {cell.states} state(s), got {len(states)}")
