"""
mistake: forget-gate-factor
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The forget-gate gradient is taken as dc alone, df = dc, leaving out the factor prev_c that the
forget gate multiplies in c = f * prev_c + i * g.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, tanh_c, c_prev, h_prev, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    do = dnext_h * tanh_c
    df = dc
    di = dc * g
    dg = dc * i
    dA = np.concatenate((di * i * (1 - i), df * f * (1 - f),
                         do * o * (1 - o), dg * (1 - g ** 2)), axis=1)
    dx = dA @ Wx.T
    dh_prev = dA @ Wh.T
    dc_prev = dc * f
    dWx = x.T @ dA
    dWh = h_prev.T @ dA
    db = dA.sum(axis=0)
    return dx, dh_prev, dc_prev, dWx, dWh, db
