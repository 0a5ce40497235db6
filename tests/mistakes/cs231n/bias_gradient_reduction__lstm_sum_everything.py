"""
mistake: bias-gradient-reduction
suite: cs231n
shows in: lstm_step_backward, lstm_backward

db = np.sum(da): summed over everything, a scalar, where the bias gradient is the sum over the
batch only, one entry per gate unit (4H,). The sequence's db += scalar broadcasts.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * z_o * (1 - z_t ** 2)
    da = np.hstack((dc * z_g * z_i * (1 - z_i), dc * prev_c * z_f * (1 - z_f),
                    dnext_h * z_t * z_o * (1 - z_o), dc * z_i * (1 - z_g ** 2)))
    return da @ Wx.T, da @ Wh.T, dc * z_f, x.T @ da, prev_h.T @ da, np.sum(da)
