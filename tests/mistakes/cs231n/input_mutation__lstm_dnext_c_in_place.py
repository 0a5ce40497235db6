"""
mistake: input-mutation
suite: cs231n
shows in: lstm_step_backward

The student adds the hidden-state path into the incoming cell gradient in place,
dnext_c += o * (1 - tanh(c)^2) * dnext_h, and uses it as the total dc: right values, but the
caller's dnext_c array is overwritten.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    H = dnext_h.shape[1]
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dz_o = z_t * dnext_h
    dnext_c += z_o * (1 - z_t * z_t) * dnext_h
    dz_f = prev_c * dnext_c
    dz_i = z_g * dnext_c
    dprev_c = z_f * dnext_c
    dz_g = z_i * dnext_c
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
