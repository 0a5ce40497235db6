"""
mistake: gate-order
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The forward reads the blocks i, f, o, g (right), but the backward stacks the pre-activation
gradients as (di, df, dg, do): the gradients of g and o land in each other's blocks.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * z_o * (1 - z_t ** 2)
    di = dc * z_g * z_i * (1 - z_i)
    df = dc * prev_c * z_f * (1 - z_f)
    do = dnext_h * z_t * z_o * (1 - z_o)
    dg = dc * z_i * (1 - z_g ** 2)
    da = np.hstack((di, df, dg, do))
    return da @ Wx.T, da @ Wh.T, dc * z_f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
