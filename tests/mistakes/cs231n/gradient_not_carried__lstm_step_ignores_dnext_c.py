"""
mistake: gradient-not-carried
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The step's cell gradient is built only from the hidden-state path, dc = dnext_h * o * (1 -
tanh(c)^2): the incoming dnext_c argument is never added, so the cell-state gradient from later
steps is lost.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    H = dnext_h.shape[1]
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dz_o = z_t * dnext_h
    dc_t = z_o * (1 - z_t * z_t) * dnext_h
    dz_f = prev_c * dc_t
    dz_i = z_g * dc_t
    dprev_c = z_f * dc_t
    dz_g = z_i * dc_t
    da_i = (1 - z_i) * z_i * dz_i
    da_f = (1 - z_f) * z_f * dz_f
    da_o = (1 - z_o) * z_o * dz_o
    da_g = (1 - z_g * z_g) * dz_g
    da = np.hstack((da_i, da_f, da_o, da_g))
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    return dx, dprev_h, dprev_c, dWx, dWh, db
