"""
mistake: weights-vs-gradients
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The gradient to the previous hidden state is computed with the freshly computed dWh instead of
the weights Wh: dprev_h = da dWh^T.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc_t = z_o * (1 - z_t * z_t) * dnext_h + dnext_c
    da = np.hstack(((1 - z_i) * z_i * z_g * dc_t,
                    (1 - z_f) * z_f * prev_c * dc_t,
                    (1 - z_o) * z_o * z_t * dnext_h,
                    (1 - z_g * z_g) * z_i * dc_t))
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(dWh.T)
    dprev_c = z_f * dc_t
    return dx, dprev_h, dprev_c, dWx, dWh, db
