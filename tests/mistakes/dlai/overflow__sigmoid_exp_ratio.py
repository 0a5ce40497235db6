"""
mistake: overflow
suite: dlai
shows in: sigmoid, lstm_cell_forward, lstm_forward

The student wrote the sigmoid as np.exp(x) / (1 + np.exp(x)). It is the same function on paper,
but for x = 1000 both exponentials overflow to inf and inf/inf is nan (the naive 1/(1+exp(-x))
would at least give 1.0 there). The LSTM gates go through it, so the LSTM forwards get nan on
large inputs too.
"""

import numpy as np


def sigmoid(z):
    ez = np.exp(z)
    return ez / (1 + ez)
