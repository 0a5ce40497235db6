"""
mistake: activation-derivative
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The derivative of tanh(next_c) written as 1 - next_c**2 (the cell state itself squared, not its
tanh); next_c is recomputed from the cache as f * prev_c + i * g.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    next_c = z_f * prev_c + z_i * z_g
    dnext_c = dnext_c + dnext_h * z_o * (1 - next_c * next_c)
    di = dnext_c * z_g * z_i * (1 - z_i)
    df = dnext_c * prev_c * z_f * (1 - z_f)
    do = dnext_h * np.tanh(next_c) * z_o * (1 - z_o)
    dg = dnext_c * z_i * (1 - z_g * z_g)
    da = np.hstack((di, df, do, dg))
    return da.dot(Wx.T), da.dot(Wh.T), dnext_c * z_f, x.T.dot(da), prev_h.T.dot(da), da.sum(axis=0)
