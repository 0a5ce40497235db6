"""
mistake: overflow
suite: cs231n
shows in: sigmoid, lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The student writes the sigmoid as e^x / (1 + e^x). For large positive x, np.exp(x) overflows
to inf and inf / inf = nan, so the sigmoid of +1000 is nan instead of 1 (and the LSTM gates,
which call it, go nan on large inputs).
"""

import numpy as np


def sigmoid(x):
    """
    A numerically stable version of the logistic sigmoid function.
    """
    ex = np.exp(x)
    return ex / (1 + ex)
