"""
mistake: weights-vs-gradients
suite: cs231n
shows in: rnn_step_backward, rnn_backward

Both dx and dprev_h are computed from the weight gradients (dWx, dWh) instead of the weights.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    dWx = np.dot(x.T, da)
    dWh = np.dot(prev_h.T, da)
    db = np.sum(da, axis=0)
    dx = np.dot(da, dWx.T)
    dprev_h = np.dot(da, dWh.T)
    return dx, dprev_h, dWx, dWh, db
