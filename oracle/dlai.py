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

Lines that read ``mistake(...)`` are the catalogue's known mistakes (oracle/mistakes.py): off
unless the diagnosis switches one on, and then this module computes what that mistake gives.
"""

from __future__ import annotations

import numpy as np

from oracle import numerics
from oracle.mistakes import mistake
from oracle.loops import (accumulate, backward_steps, carried, forward_steps, initial_state_gradient, step_cache,
                          step_slot)
from oracle.numerics import bias_gradient, dsigmoid_from_output, dtanh_from_output, gate_derivative

Parameters = dict[str, np.ndarray]
Gradients = dict[str, np.ndarray]

__all__ = [
    "softmax", "sigmoid",
    "rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
    "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward",
]

LSTM_GATES = ("f", "i", "c", "o")  # forget, update (input), candidate, output


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


def _bias(parameters: Parameters, name: str) -> np.ndarray | float:
    return 0.0 if mistake("missing-bias") == name else parameters[name]


def _activation(gate: str, z: np.ndarray, canonical) -> np.ndarray:
    """``canonical(z)`` for ``gate`` (a, y, f, i, c, o, c_out), unless a mistake replaces it."""
    if mistake("missing-activation") == gate:
        return z
    swapped = {sigmoid: np.tanh, np.tanh: sigmoid, softmax: sigmoid}[canonical]
    return swapped(z) if mistake("wrong-activation") == gate else canonical(z)


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
    a_next = _activation("a", p["Wax"] @ xt + Waa @ a_prev + _bias(p, "ba"), np.tanh)
    yt_pred = _activation("y", p["Wya"] @ a_next + _bias(p, "by"), softmax)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(
    x: np.ndarray, a0: np.ndarray, parameters: Parameters
) -> tuple[np.ndarray, np.ndarray, tuple[list, np.ndarray]]:
    """RNN over T_x steps.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns a (n_a, m, T_x), y_pred (n_y, m, T_x), caches (list of T_x cell caches, x).
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x), dtype=np.result_type(x, a0))
    y_pred = np.zeros((n_y, m, T_x), dtype=a.dtype)
    caches = []
    a_next = a0
    for t in forward_steps(T_x):
        a_prev = a_next
        a_next, yt_pred, cache = rnn_cell_forward(_step_x(x, t), _step_state(a0, a_next), parameters)
        a[:, :, t] = a_prev if mistake("state-off-by-one") == "previous" else a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def _step_x(x: np.ndarray, t: int) -> np.ndarray:
    """x<t>, as a forward loop reads it (features, batch, time)."""
    form = mistake("wrong-step-input")
    return x[:, :, -1] if form == "last-x" else x[:, :, t - 1] if mistake("index-offset") == "x-previous" else x[:, :, t]


def _step_state(initial: np.ndarray, carried: np.ndarray) -> np.ndarray:
    """The hidden state fed to a step: the one carried from the previous step."""
    form = mistake("wrong-step-input")
    if form == "initial-every-step":
        return initial
    if form == "initial-ignored" and carried is initial:
        return np.zeros_like(initial)
    return carried


def rnn_cell_backward(da_next: np.ndarray, cache: tuple) -> Gradients:
    """Backward through one RNN step, given da_next = dL/da<t>.

    With dz = da_next * (1 - a<t>^2) (the gradient at the tanh's input):
    dxt = Wax^T dz,  da_prev = Waa^T dz,  dWax = dz xt^T,  dWaa = dz a_prev^T,
    dba = sum over the batch of dz.

    da_next: (n_a, m). Returns {dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x),
    dWaa (n_a, n_a), dba (n_a, 1)}.
    """
    a_next, a_prev, xt, parameters = cache
    dz = da_next * dtanh_from_output(a_next)
    form = mistake("transposed-weight") or mistake("weights-vs-gradients")
    Waa = {"da_prev": parameters["Waa"].T, "dWaa": dz @ a_prev.T}.get(form, parameters["Waa"])
    da_prev = Waa.T @ dz
    dxt = parameters["Wax"].T @ dz
    dWax = dz @ xt.T
    return {
        "dxt": dWax.T @ dz if mistake("weights-vs-gradients") == "dWax" else dxt,
        "da_prev": da_prev,
        "dWax": dWax.T if mistake("transposed-weight") == "dWax" else dWax,
        # a_prev, not da_prev: seed 004's published 1.047 used da_prev
        "dWaa": dz @ {"da_prev": da_prev, "a_next": a_next}.get(mistake("recurrent-weight-gradient"), a_prev).T,
        "dba": bias_gradient(dz, axis=1),
    }


def rnn_backward(da: np.ndarray, caches: tuple[list, np.ndarray]) -> Gradients:
    """Backward through the whole RNN, given da = dL/da<t> for every t (from the outputs).

    The gradient reaching a<t> is da[:, :, t] plus what flows back from step t+1.
    Weight gradients are summed over time.

    da: (n_a, m, T_x). Returns {dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba}.
    """
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = cell_caches[0][2].shape[0]
    dx = np.zeros((n_x, m, T_x), dtype=da.dtype)
    totals = {name: np.zeros_like(cell_caches[0][3][name[1:]], dtype=da.dtype)
              for name in ("dWax", "dWaa", "dba")}
    da_prev = np.zeros((n_a, m), dtype=da.dtype)
    for t in backward_steps(T_x):
        grads = rnn_cell_backward(da[:, :, t] + carried(da_prev, "hidden"), step_cache(cell_caches, t))
        dx[:, :, step_slot(t)] = grads["dxt"]
        da_prev = grads["da_prev"]
        accumulate(totals, grads)
    return {"dx": dx, "da0": initial_state_gradient(da_prev, da[:, :, 0]), **totals}


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
    concat = _concat(a_prev, xt, "forward")
    ft = _activation("f", p["Wf"] @ concat + _bias(p, "bf"), sigmoid)
    it = _activation("i", p["Wi"] @ concat + _bias(p, "bi"), sigmoid)
    cct = _activation("c", p["Wc"] @ concat + _bias(p, "bc"), np.tanh)
    c_next = ft * c_prev + it * cct
    ot = _activation("o", p["Wo"] @ concat + _bias(p, "bo"), sigmoid)
    a_next = ot * _activation("c_out", c_next, np.tanh)
    yt_pred = _activation("y", p["Wy"] @ a_next + _bias(p, "by"), softmax)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(
    x: np.ndarray, a0: np.ndarray, parameters: Parameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[list, np.ndarray]]:
    """LSTM over T_x steps; the initial cell state c<0> is zeros.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x),
    caches (list of T_x cell caches, x).
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    dtype = np.result_type(x, a0)
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    caches = []
    c0 = a0.copy() if mistake("initial-cell-state") == "a0" else np.zeros((n_a, m), dtype=dtype)
    a_next, c_next = a0, c0
    for t in forward_steps(T_x):
        a_prev, c_stored = a_next, c_next
        c_prev = c0 if mistake("state-not-carried") == "cell" else c_next
        a_next, c_next, yt, cache = lstm_cell_forward(_step_x(x, t), _step_state(a0, a_next), c_prev, parameters)
        a[:, :, t] = a_prev if mistake("state-off-by-one") == "previous" else c_next if mistake(
            "state-off-by-one") == "cell-for-hidden" else a_next
        c[:, :, t] = c_stored if mistake("state-off-by-one") == "cell-previous" else c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def _concat(a_prev: np.ndarray, xt: np.ndarray, where: str) -> np.ndarray:
    """[a<t-1>; x<t>] (stacked along the features axis)."""
    if mistake("concat-order") in ("x-first", f"x-first-{where}"):
        return np.concatenate([xt, a_prev], axis=0)
    return np.concatenate([a_prev, xt], axis=0)


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
    tanh_c = np.tanh(c_next)
    dc = (0.0 if mistake("gradient-not-carried") == "dc_next-ignored" else dc_next) + da_next * ot * gate_derivative("c_out", tanh_c, dtanh_from_output)
    d_gate = {
        "f": dc * {"no-c_prev": 1.0, "c_next": c_next}.get(mistake("forget-gate-factor"), c_prev)
        * gate_derivative("f", ft, dsigmoid_from_output),
        "i": dc * cct * gate_derivative("i", it, dsigmoid_from_output),
        "c": dc * it * gate_derivative("c", cct, dtanh_from_output),
        "o": da_next * tanh_c * gate_derivative("o", ot, dsigmoid_from_output),
    }
    concat = _concat(a_next if mistake("recurrent-weight-gradient") == "a_next" else a_prev, xt, "backward")
    weights = "dW" if mistake("weights-vs-gradients") == "dW" else "W"
    dconcat = sum((d_gate[g] @ concat.T if weights == "dW" else parameters["W" + g]).T @ d_gate[g] for g in LSTM_GATES)
    if mistake("concat-order") == "split":  # as if the forward had stacked [xt; a_prev]
        dxt, da_prev = dconcat[:xt.shape[0]], dconcat[xt.shape[0]:]
    else:
        dxt, da_prev = dconcat[n_a:], dconcat[:n_a]
    grads = {"dxt": dxt, "da_prev": da_prev,
             "dc_prev": dc if mistake("forget-gate-factor") == "no-f" else dc * ft}
    for g in LSTM_GATES:
        grads["dW" + g] = d_gate[g] @ concat.T
        grads["db" + g] = bias_gradient(d_gate[g], axis=1)
    return grads


def lstm_backward(da: np.ndarray, caches: tuple[list, np.ndarray]) -> Gradients:
    """Backward through the LSTM, given da = dL/da<t> for every t (nothing flows into c).

    The number of steps is taken from da, as in the notebook: only caches[0:T_x] are used.

    da: (n_a, m, T_x). Returns {dx (n_x, m, T_x), da0 (n_a, m),
    dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)}.
    """
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = cell_caches[0][8].shape[0]
    parameters = cell_caches[0][9]
    dx = np.zeros((n_x, m, T_x), dtype=da.dtype)
    totals = {d + g: np.zeros_like(parameters[d[1:] + g], dtype=da.dtype)
              for g in LSTM_GATES for d in ("dW", "db")}
    da_prev = np.zeros((n_a, m), dtype=da.dtype)
    dc_prev = np.zeros((n_a, m), dtype=da.dtype)
    for t in backward_steps(T_x):
        grads = lstm_cell_backward(da[:, :, t] + carried(da_prev, "hidden"), carried(dc_prev, "cell"),
                                   step_cache(cell_caches, t))
        dx[:, :, step_slot(t)] = grads["dxt"]
        da_prev, dc_prev = grads["da_prev"], grads["dc_prev"]
        accumulate(totals, grads)
    return {"dx": dx, "da0": initial_state_gradient(da_prev, da[:, :, 0]), **totals}
