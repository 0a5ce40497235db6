"""Numerics shared by both suites: stable softmax, log-softmax and sigmoid.

Both courses' own versions overflow (``np.exp(-x)`` for x = -1000) or lose the
column-wise axis (``np.max(x)`` over the whole array). These never warn and are
exact at +-1000.
"""

from __future__ import annotations

import numpy as np


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
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, z) / (1.0 + z)


def dtanh_from_output(tanh_out: np.ndarray) -> np.ndarray:
    """d tanh(u) / du written in terms of the output t = tanh(u): 1 - t^2."""
    return 1.0 - tanh_out**2


def dsigmoid_from_output(sig_out: np.ndarray) -> np.ndarray:
    """d sigmoid(u) / du written in terms of the output s = sigmoid(u): s (1 - s)."""
    return sig_out * (1.0 - sig_out)
