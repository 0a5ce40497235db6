"""
mistake: transposed-weight
suite: cs231n
shows in: rnn_step_backward, rnn_backward

The gradient to the previous hidden state is computed as da Wh instead of da Wh^T. Since Wh is
square the shapes still match, so nothing complains, but the values are wrong for any
non-symmetric Wh.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h * next_h)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dWx, dWh, db
