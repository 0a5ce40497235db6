"""
mistake: recurrent-weight-gradient
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The student rebuilds the step's output next_h = o * tanh(c) from the cache and uses it for the
recurrent weight gradient, dWh = next_h^T da, instead of prev_h^T da.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    next_h = z_o * z_t
    dc_t = z_o * (1 - z_t * z_t) * dnext_h + dnext_c
    da_i = (1 - z_i) * z_i * z_g * dc_t
    da_f = (1 - z_f) * z_f * prev_c * dc_t
    da_o = (1 - z_o) * z_o * z_t * dnext_h
    da_g = (1 - z_g * z_g) * z_i * dc_t
    da = np.hstack((da_i, da_f, da_o, da_g))
    dWx = x.T.dot(da)
    dWh = next_h.T.dot(da)
    db = np.sum(da, axis=0)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dprev_c = z_f * dc_t
    return dx, dprev_h, dprev_c, dWx, dWh, db
