"""
mistake: activation-derivative
suite: cs231n
shows in: rnn_step_backward, rnn_backward

The local tanh derivative is written 1 - next_h instead of 1 - next_h ** 2.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dWx, dWh, db
