"""Numerics shared by both suites: stable softmax, log-softmax and sigmoid.

Both courses' own versions overflow (``np.exp(-x)`` for x = -1000) or lose the
column-wise axis (``np.max(x)`` over the whole array). These never warn and are
exact at +-1000.
"""

from __future__ import annotations

import numpy as np

from oracle.mistakes import mistake


def softmax(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Softmax along ``axis``, shifted by the max so exp never overflows.

    x: any shape; the result has the same shape and sums to 1 along ``axis``.
    """
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(softmax(x)) along ``axis`` without ever taking log(0)."""
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + e^-x), elementwise, without overflow.

    exp is only ever taken of -|x| <= 0, so it lies in (0, 1]:
    x >= 0: 1 / (1 + e^-x);  x < 0: e^x / (1 + e^x).
    """
    if mistake("dtype") == "sigmoid-float32":
        x = np.asarray(x, dtype=np.float32)
    z = np.exp(-np.abs(x))
    return (np.where(x >= 0, 1.0, z) / (1.0 + z)).astype(z.dtype, copy=False)  # a copy only if the dtype changes


def dtanh_from_output(tanh_out: np.ndarray) -> np.ndarray:
    """d tanh(u) / du written in terms of the output t = tanh(u): 1 - t^2."""
    form = mistake("activation-derivative")
    if form == "tanh-missing":
        return np.ones_like(tanh_out)
    if form == "tanh-linear":  # 1 - t
        return 1.0 - tanh_out
    if form == "tanh-reapplied":  # tanh applied again to what already is tanh(u)
        return 1.0 - np.tanh(tanh_out)**2
    if form == "tanh-unsquared-sign":  # 1 + t^2
        return 1.0 + tanh_out**2
    return 1.0 - tanh_out**2


def dsigmoid_from_output(sig_out: np.ndarray) -> np.ndarray:
    """d sigmoid(u) / du written in terms of the output s = sigmoid(u): s (1 - s)."""
    form = mistake("activation-derivative")
    if form == "sigmoid-missing":
        return np.ones_like(sig_out)
    if form == "sigmoid-reapplied":  # sigmoid applied again to what already is sigmoid(u)
        return sigmoid(sig_out) * (1.0 - sigmoid(sig_out))
    if form == "sigmoid-as-tanh":  # 1 - s^2
        return 1.0 - sig_out**2
    return sig_out * (1.0 - sig_out)


def gate_derivative(gate: str, out: np.ndarray, canonical) -> np.ndarray:
    """``canonical(out)`` (dsigmoid_ or dtanh_from_output) for one gate's output; the
    activation-derivative forms "<gate>-missing", "<gate>-other" (the other function's
    derivative), "<gate>-linear" (1 - t, the square forgotten) and "<gate>-reapplied" (the
    activation applied again to the output) get one gate's derivative wrong, as students do."""
    form = mistake("activation-derivative")
    if not form:
        return canonical(out)
    if form == f"{gate}-missing":
        return np.ones_like(out)
    if form == f"{gate}-linear":
        return 1.0 - out
    if form == f"{gate}-reapplied":  # the activation applied again to its own output: 1 - tanh(t)^2
        return canonical((np.tanh if canonical is dtanh_from_output else sigmoid)(out))
    if form == f"{gate}-other":
        return (dsigmoid_from_output if canonical is dtanh_from_output else dtanh_from_output)(out)
    return canonical(out)


def bias_gradient(d: np.ndarray, axis: int | tuple[int, ...], keepdims: bool = True) -> np.ndarray:
    """The gradient of a bias broadcast along ``axis``: the sum over it (dlai keeps the axis)."""
    form = mistake("bias-gradient-reduction")
    if form == "mean":
        return np.mean(d, axis=axis, keepdims=keepdims)
    if form == "keepdims-flipped":  # dlai without keepdims, cs231n with
        return np.sum(d, axis=axis, keepdims=not keepdims)
    if form == "other-axis":
        return np.sum(d, axis=0 if axis == 1 else 1, keepdims=keepdims)
    if form == "first-axis-only" and isinstance(axis, tuple):
        return np.sum(d, axis=axis[0], keepdims=keepdims)
    if form == "all":  # np.sum(d): a scalar, which a running total then broadcasts
        return np.sum(d)
    return np.sum(d, axis=axis, keepdims=keepdims)
