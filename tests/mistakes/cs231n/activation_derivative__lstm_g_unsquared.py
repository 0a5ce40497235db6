"""
mistake: activation-derivative
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The candidate g = tanh(a_g): its local derivative written (1 - z_g) instead of (1 - z_g**2);
the other gates' and tanh(next_c)'s derivatives are right.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * z_o * (1 - z_t ** 2)
    da_i = dc * z_g * z_i * (1 - z_i)
    da_f = dc * prev_c * z_f * (1 - z_f)
    da_o = dnext_h * z_t * z_o * (1 - z_o)
    da_g = dc * z_i * (1 - z_g)
    da = np.concatenate([da_i, da_f, da_o, da_g], axis=1)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dprev_c = dc * z_f
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
