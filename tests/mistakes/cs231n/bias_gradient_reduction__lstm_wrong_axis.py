"""
mistake: bias-gradient-reduction
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The bias gradient sums the pre-activation gradient over the wrong axis, da.sum(axis=1), giving
one number per example (N,) instead of one per gate unit (4H,).
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + z_o * (1 - z_t ** 2) * dnext_h
    d_i = dc * z_g * z_i * (1 - z_i)
    d_f = dc * prev_c * z_f * (1 - z_f)
    d_o = dnext_h * z_t * z_o * (1 - z_o)
    d_g = dc * z_i * (1 - z_g ** 2)
    da = np.hstack((d_i, d_f, d_o, d_g))
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dprev_c = dc * z_f
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = da.sum(axis=1)
    return dx, dprev_h, dprev_c, dWx, dWh, db
