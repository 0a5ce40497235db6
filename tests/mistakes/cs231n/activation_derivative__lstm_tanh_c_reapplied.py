"""
mistake: activation-derivative
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The cache holds tanh(next_c) as z_t; the student takes its derivative as 1 - tanh(z_t)**2,
applying tanh a second time on the cell path only.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc_t = dnext_c + dnext_h * z_o * (1 - np.tanh(z_t) ** 2)
    da_i = dc_t * z_g * z_i * (1 - z_i)
    da_f = dc_t * prev_c * z_f * (1 - z_f)
    da_o = dnext_h * z_t * z_o * (1 - z_o)
    da_g = dc_t * z_i * (1 - z_g ** 2)
    da = np.hstack((da_i, da_f, da_o, da_g))
    return da.dot(Wx.T), da.dot(Wh.T), dc_t * z_f, x.T.dot(da), prev_h.T.dot(da), da.sum(axis=0)
