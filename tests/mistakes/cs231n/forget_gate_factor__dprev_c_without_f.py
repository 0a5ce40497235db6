"""
mistake: forget-gate-factor
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The gradient to the previous cell state is passed through unchanged, dprev_c = dc, forgetting
that c = f * prev_c + i * g multiplies prev_c by the forget gate f.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    H = dnext_h.shape[1]
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dz_o = z_t * dnext_h
    dc_t = z_o * (1 - z_t * z_t) * dnext_h + dnext_c
    dz_f = prev_c * dc_t
    dz_i = z_g * dc_t
    dprev_c = dc_t
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
