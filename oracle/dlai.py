"""Reference implementation of the deeplearning.ai "Building your RNN step by step" suite.

Layout is (features, batch, time): ``x`` is ``(n_x, m, T_x)``, a hidden state is
``(n_a, m)``. Weights travel in a ``parameters`` dict. The notation, return values
and cache layouts are the notebook's, because the notebook's backward functions
unpack those caches:

- RNN cell cache:  ``(a_next, a_prev, xt, parameters)``
- LSTM cell cache: ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``
- sequence caches: ``(list_of_cell_caches, x)``

Backward functions return the gradient of a scalar loss L, given dL/d(outputs of the
hidden state path). As in the notebook, ``yt_pred`` is not part of the backward pass.

This module is an adapter over oracle/kernel.py, which holds the cells' and the scans'
numerics once for every suite. Here: the layout (the kernel's arrays are (batch, features),
so a step's arrays are transposed on the way in and out; time is moved to the first axis
for the kernel's scans, whose steps run in this module's own layout), the packing of the
LSTM's four (n_a, n_a + n_x) weights, which act on concat = [a<t-1>; x<t>], as the kernel's
gate blocks i, f, g, o (the notebook's candidate "c" is the kernel's "g"), the notebook's
caches, and what only this suite has: the output layer y_hat = softmax(W a + b) of every
step and its column-wise softmax.

Lines that read ``mistake(...)`` are the catalogue's known mistakes (oracle/mistakes.py): off
unless the diagnosis switches one on, and then this module computes what that mistake gives.
The kernel switches the ones that do not depend on the layout (a gate's activation and its
derivative, named in this suite's letters through NAMES; the forget-gate factor; the loops');
the ones that do (a weight used transposed or replaced by its gradient, the operand of the
recurrent weight gradient, the concat's order, the axis of a bias gradient) are switched here,
by the operands handed to the kernel's affine pieces.
"""

from __future__ import annotations

import numpy as np

from oracle import kernel, numerics
from oracle.mistakes import mistake
from oracle.numerics import bias_gradient

Parameters = dict[str, np.ndarray]
Gradients = dict[str, np.ndarray]

__all__ = [
    "softmax", "sigmoid",
    "rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
    "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward",
]

LSTM_GATES = ("f", "i", "c", "o")    # forget, update (input), candidate, output: the notebook's order
KERNEL_GATES = ("i", "f", "c", "o")  # the kernel's blocks i, f, g, o, in this suite's letters
NAMES = {"h": "a", "g": "c"}         # the kernel's gate names -> this suite's (the catalogue's forms)


def softmax(x: np.ndarray) -> np.ndarray:
    """Column-wise softmax: each column (one example) sums to 1. x: (n_y, m)."""
    form = mistake("softmax-axis")  # "<shifted by>-<summed over>", e.g. "columns-rows"
    if form:
        shift_by, sum_over = form.split("-")
        shift = {"columns": np.max(x, axis=0, keepdims=True), "rows": np.max(x, axis=1, keepdims=True),
                 "all": np.max(x), "none": 0.0}[shift_by]
        e = np.exp(x - shift)
        return e / (np.sum(e, axis=1, keepdims=True) if sum_over == "rows" else np.sum(e))
    return numerics.softmax(x, axis=0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Elementwise logistic sigmoid, stable for any magnitude. x: any shape."""
    return numerics.sigmoid(x)


# ------------------------------------------------------------------------- layout

def _bias(parameters: Parameters, name: str) -> np.ndarray | float:
    """A (n, 1) bias as the kernel adds it: a row (1, n), or 0.0 where missing-bias names it."""
    return 0.0 if mistake("missing-bias") == name else parameters[name].T


def _packed(parameters: Parameters, kind: str) -> np.ndarray:
    """The four gates' weights ("W") or biases ("b") stacked as the kernel's blocks i, f, g, o."""
    blocks = [parameters[kind + g] for g in KERNEL_GATES]
    if kind == "b":
        blocks = [np.zeros_like(b) if mistake("missing-bias") == "b" + g else b for g, b in zip(KERNEL_GATES, blocks)]
    return np.concatenate(blocks, axis=0)


def _gates(packed: np.ndarray) -> dict[str, np.ndarray]:
    """A (4 n_a, ...) array of the kernel's blocks by this suite's gate letters."""
    return dict(zip(KERNEL_GATES, np.split(packed, 4, axis=0)))


def _concat(a_prev: np.ndarray, xt: np.ndarray, where: str) -> np.ndarray:
    """[a<t-1>; x<t>] (stacked along the features axis)."""
    if mistake("concat-order") in ("x-first", f"x-first-{where}"):
        return np.concatenate([xt, a_prev], axis=0)
    return np.concatenate([a_prev, xt], axis=0)


def _time_first(a: np.ndarray) -> np.ndarray:
    """(..., T) -> (T, ...): the kernel's scans take and give time first."""
    return np.moveaxis(a, -1, 0)


def _time_last(a: np.ndarray) -> np.ndarray:
    """(T, ...) -> (..., T), this suite's layout."""
    return np.ascontiguousarray(np.moveaxis(a, 0, -1))


def _output(w: np.ndarray, a_next: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """The notebook's output layer, y_hat<t> = softmax(w a<t> + b), with its own activation
    forms ("y": none, or sigmoid in place of the softmax)."""
    z = kernel.affine(a_next.T, w, b).T
    if mistake("missing-activation") == "y":
        return z
    return sigmoid(z) if mistake("wrong-activation") == "y" else softmax(z)


def _predictions(scan: kernel.Scan, n_y: int) -> np.ndarray:
    """(n_y, m, T_x): the prediction of every step run (kept beside its cell cache), else zeros."""
    T_x, _, m = scan.outputs.shape
    y = np.zeros((n_y, m, T_x), dtype=scan.outputs.dtype)
    for t, (_, yt) in zip(scan.steps, scan.caches):
        y[:, :, t] = yt
    return y


def _sequence_backward(step_backward, upstream: tuple[np.ndarray, ...], cell_caches: list, totals: Gradients,
                       n_x: int) -> tuple[np.ndarray, np.ndarray, Gradients]:
    """kernel.scan_backward in this suite's layout: (dx (n_x, m, T_x), da0, totals)."""
    dx, dstate0, totals = kernel.scan_backward(step_backward, upstream, cell_caches, totals,
                                               (n_x, upstream[0].shape[2]))
    return _time_last(dx), dstate0[0], totals


# ----------------------------------------------------------------------------- RNN

def rnn_cell_forward(
    xt: np.ndarray, a_prev: np.ndarray, parameters: Parameters
) -> tuple[np.ndarray, np.ndarray, tuple]:
    """One RNN step.

    a<t> = tanh(Wax x<t> + Waa a<t-1> + ba);   y_hat<t> = softmax(Wya a<t> + by)

    xt: (n_x, m); a_prev: (n_a, m); parameters: Wax (n_a, n_x), Waa (n_a, n_a),
    Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m), cache (a_next, a_prev, xt, parameters).
    """
    p = parameters
    Waa = p["Waa"].T if mistake("transposed-weight") == "Waa" else p["Waa"]
    params = kernel.Params(p["Wax"], Waa, _bias(p, "ba"), 0.0)
    h_new, _ = kernel.rnn_cell_forward(xt.T, a_prev.T, params, NAMES)
    a_next = h_new.T
    yt_pred = _output(p["Wya"], a_next, _bias(p, "by"))
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def _rnn_step(xt: np.ndarray, a_prev: np.ndarray, parameters: Parameters) -> tuple:
    a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
    return a_next, (cache, yt_pred)


def rnn_forward(
    x: np.ndarray, a0: np.ndarray, parameters: Parameters
) -> tuple[np.ndarray, np.ndarray, tuple[list, np.ndarray]]:
    """RNN over T_x steps.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns a (n_a, m, T_x), y_pred (n_y, m, T_x), caches (list of T_x cell caches, x).
    """
    scan = kernel.scan_forward(_rnn_step, _time_first(x), (a0,), parameters)
    y_pred = _predictions(scan, parameters["Wya"].shape[0])
    return _time_last(scan.outputs), y_pred, ([cache for cache, _ in scan.caches], x)


def rnn_cell_backward(da_next: np.ndarray, cache: tuple) -> Gradients:
    """Backward through one RNN step, given da_next = dL/da<t>.

    With dz = da_next * (1 - a<t>^2) (the gradient at the tanh's input):
    dxt = Wax^T dz,  da_prev = Waa^T dz,  dWax = dz xt^T,  dWaa = dz a_prev^T,
    dba = sum over the batch of dz.

    da_next: (n_a, m). Returns {dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x),
    dWaa (n_a, n_a), dba (n_a, 1)}.
    """
    a_next, a_prev, xt, parameters = cache
    dz = kernel.rnn_preactivation_gradient(da_next, a_next, lambda: kernel.preactivation(  # elementwise: any layout
        xt.T, a_prev.T, kernel.Params(parameters["Wax"], parameters["Waa"], _bias(parameters, "ba"), 0.0)).T)
    dWax = kernel.weight_gradient(dz.T, xt.T)
    form = mistake("transposed-weight") or mistake("weights-vs-gradients")
    Waa = {"da_prev": parameters["Waa"].T, "dWaa": kernel.weight_gradient(dz.T, a_prev.T),
           "both": kernel.weight_gradient(dz.T, a_prev.T)}.get(form, parameters["Waa"])
    Wax = dWax if mistake("weights-vs-gradients") in ("dWax", "both") else parameters["Wax"]
    da_prev = kernel.input_gradient(dz.T, Waa).T
    # a_prev, not da_prev: seed 004's published 1.047 used da_prev
    recurrent = {"da_prev": da_prev, "a_next": a_next}.get(mistake("recurrent-weight-gradient"), a_prev)
    return {
        "dxt": kernel.input_gradient(dz.T, Wax).T,
        "da_prev": da_prev,
        "dWax": dWax.T if mistake("transposed-weight") == "dWax" else dWax,
        "dWaa": kernel.weight_gradient(dz.T, recurrent.T),
        "dba": bias_gradient(dz, axis=1),
    }


def _rnn_step_backward(da_next: np.ndarray, cache: tuple) -> tuple:
    grads = rnn_cell_backward(da_next, cache)
    return grads["dxt"], grads["da_prev"], grads


def rnn_backward(da: np.ndarray, caches: tuple[list, np.ndarray]) -> Gradients:
    """Backward through the whole RNN, given da = dL/da<t> for every t (from the outputs).

    The gradient reaching a<t> is da[:, :, t] plus what flows back from step t+1.
    Weight gradients are summed over time.

    da: (n_a, m, T_x). Returns {dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba}.
    """
    cell_caches, x = caches
    totals = {name: np.zeros_like(cell_caches[0][3][name[1:]], dtype=da.dtype) for name in ("dWax", "dWaa", "dba")}
    dx, da0, totals = _sequence_backward(_rnn_step_backward, (_time_first(da),), cell_caches, totals,
                                         cell_caches[0][2].shape[0])
    return {"dx": dx, "da0": da0, **totals}


# ---------------------------------------------------------------------------- LSTM

def lstm_cell_forward(
    xt: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, parameters: Parameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """One LSTM step, gates acting on concat = [a<t-1>; x<t>].

    ft = sigmoid(Wf concat + bf)       forget gate
    it = sigmoid(Wi concat + bi)       update (input) gate
    cct = tanh(Wc concat + bc)         candidate c~<t>
    c<t> = ft * c<t-1> + it * cct
    ot = sigmoid(Wo concat + bo)       output gate
    a<t> = ot * tanh(c<t>);            y_hat<t> = softmax(Wy a<t> + by)

    xt: (n_x, m); a_prev, c_prev: (n_a, m); parameters: Wf, Wi, Wc, Wo (n_a, n_a + n_x),
    bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next (n_a, m), c_next (n_a, m), yt_pred (n_y, m),
    cache (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
    """
    p = parameters
    z = kernel.affine(_concat(a_prev, xt, "forward").T, _packed(p, "W"), _packed(p, "b").T)
    a_next, c_next, it, ft, cct, ot, _ = (s.T for s in kernel.lstm_gates(z, c_prev.T, NAMES))
    yt_pred = _output(p["Wy"], a_next, _bias(p, "by"))
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def _lstm_step(xt: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, parameters: Parameters) -> tuple:
    a_next, c_next, yt_pred, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
    return a_next, c_next, (cache, yt_pred)


def lstm_forward(
    x: np.ndarray, a0: np.ndarray, parameters: Parameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[list, np.ndarray]]:
    """LSTM over T_x steps; the initial cell state c<0> is zeros.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x),
    caches (list of T_x cell caches, x).
    """
    c0 = a0.copy() if mistake("initial-cell-state") == "a0" else np.zeros(a0.shape, dtype=np.result_type(x, a0))
    scan = kernel.scan_forward(_lstm_step, _time_first(x), (a0, c0), parameters)
    y = _predictions(scan, parameters["Wy"].shape[0])
    return _time_last(scan.outputs), y, _time_last(scan.cells), ([cache for cache, _ in scan.caches], x)


def lstm_cell_backward(da_next: np.ndarray, dc_next: np.ndarray, cache: tuple) -> Gradients:
    """Backward through one LSTM step, given da_next = dL/da<t> and dc_next = dL/dc<t>.

    dc   = dc_next + da_next * ot * (1 - tanh(c<t>)^2)     total gradient reaching c<t>
    dot  = da_next * tanh(c<t>) * ot (1 - ot)
    dcct = dc * it * (1 - cct^2)
    dit  = dc * cct * it (1 - it)
    dft  = dc * c<t-1> * ft (1 - ft)
    dW_g = d_g concat^T,  db_g = sum over the batch of d_g   for g in f, i, c, o
    d concat = sum_g W_g^T d_g  = [da_prev; dxt],   dc_prev = dc * ft

    da_next, dc_next: (n_a, m). Returns {dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
    dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)}.
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    # the kernel's cache of this step (its weights are not needed for dz)
    step = kernel.LSTMCache(xt.T, a_prev.T, c_prev.T, None, it.T, ft.T, cct.T, ot.T, np.tanh(c_next).T)
    dz, dc_prev = kernel.lstm_preactivation_gradient(da_next.T, dc_next.T, step, NAMES)  # (m, 4 n_a), (m, n_a)
    concat = _concat(a_next if mistake("recurrent-weight-gradient") == "a_next" else a_prev, xt, "backward")
    dW = kernel.weight_gradient(dz, concat.T)  # (4 n_a, n_a + n_x)
    swapped = mistake("weights-vs-gradients")
    W = dW if swapped == "dW" else _packed(parameters, "W")
    if swapped in ("dW-x", "dW-a"):  # one input's columns (the notebook's expanded form, W[:, n_a:]) from dW
        W = np.concatenate([W[:, :n_a], dW[:, n_a:]] if swapped == "dW-x" else [dW[:, :n_a], W[:, n_a:]], axis=1)
    dconcat = kernel.input_gradient(dz, W).T
    if mistake("concat-order") == "split":  # as if the forward had stacked [xt; a_prev]
        dxt, da_prev = dconcat[:xt.shape[0]], dconcat[xt.shape[0]:]
    else:
        dxt, da_prev = dconcat[n_a:], dconcat[:n_a]
    grads = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev.T}
    dWs, d_gate = _gates(dW), _gates(dz.T)
    for g in LSTM_GATES:
        grads["dW" + g] = dWs[g]
        grads["db" + g] = bias_gradient(d_gate[g], axis=1)
    return grads


def _lstm_step_backward(da_next: np.ndarray, dc_next: np.ndarray, cache: tuple) -> tuple:
    grads = lstm_cell_backward(da_next, dc_next, cache)
    return grads["dxt"], grads["da_prev"], grads["dc_prev"], grads


def lstm_backward(da: np.ndarray, caches: tuple[list, np.ndarray]) -> Gradients:
    """Backward through the LSTM, given da = dL/da<t> for every t (nothing flows into c).

    The number of steps is taken from da, as in the notebook: only caches[0:T_x] are used.

    da: (n_a, m, T_x). Returns {dx (n_x, m, T_x), da0 (n_a, m),
    dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)}.
    """
    cell_caches, x = caches
    parameters = cell_caches[0][9]
    totals = {d + g: np.zeros_like(parameters[d[1:] + g], dtype=da.dtype) for g in LSTM_GATES for d in ("dW", "db")}
    upstream = _time_first(da)
    dx, da0, totals = _sequence_backward(_lstm_step_backward, (upstream, np.zeros_like(upstream)), cell_caches,
                                         totals, cell_caches[0][8].shape[0])
    return {"dx": dx, "da0": da0, **totals}
