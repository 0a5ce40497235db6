"""
mistake: dtype
suite: cs231n
shows in: sigmoid, lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

"To save memory" the student casts the input to float32 inside sigmoid: the result is a
float32 array, only ~7 significant digits, which is not the float64 result expected for float64
inputs (and the LSTM gates inherit it).
"""

import numpy as np


def sigmoid(x):
    """
    A numerically stable version of the logistic sigmoid function.
    """
    x = x.astype(np.float32)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out
