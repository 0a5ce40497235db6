"""
mistake: bias-gradient-reduction
suite: cs231n
shows in: rnn_step_backward, rnn_backward

The bias gradient is averaged over the batch, np.mean(da, axis=0), instead of summed: the loss
is a sum over examples, so db is N times too small.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h * next_h)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.mean(da, axis=0)
    return dx, dprev_h, dWx, dWh, db
