"""
mistake: weights-vs-gradients
suite: cs231n
shows in: lstm_step_backward, lstm_backward

dprev_h = da . dWh^T: the recurrent weight gradient, computed on the line above, where Wh belongs.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * z_o * (1 - z_t ** 2)
    da = np.hstack((dc * z_g * z_i * (1 - z_i), dc * prev_c * z_f * (1 - z_f),
                    dnext_h * z_t * z_o * (1 - z_o), dc * z_i * (1 - z_g ** 2)))
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(dWh.T)
    return dx, dprev_h, dc * z_f, dWx, dWh, db
