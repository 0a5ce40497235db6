"""
mistake: activation-derivative
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The gradients of the three sigmoid gates are passed on to the pre-activations without the
sigmoid derivative s(1 - s); only the tanh candidate gets its derivative.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc_t = z_o * (1 - z_t * z_t) * dnext_h + dnext_c
    da_i = z_g * dc_t
    da_f = prev_c * dc_t
    da_o = z_t * dnext_h
    da_g = (1 - z_g * z_g) * z_i * dc_t
    dprev_c = z_f * dc_t
    da = np.hstack((da_i, da_f, da_o, da_g))
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    return dx, dprev_h, dprev_c, dWx, dWh, db
