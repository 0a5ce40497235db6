"""
mistake: recurrent-weight-gradient
suite: cs231n
shows in: rnn_step_backward, rnn_backward

dWh is computed from the step's own output, next_h^T da, instead of from the hidden state that
was multiplied by Wh, prev_h^T da.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h * next_h)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = next_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dWx, dWh, db
