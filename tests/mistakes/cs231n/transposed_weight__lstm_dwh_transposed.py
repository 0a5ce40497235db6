"""
mistake: transposed-weight
suite: cs231n
shows in: lstm_step_backward, lstm_backward

The hidden-to-hidden weight gradient is computed as da^T prev_h, which is (4H, H), i.e. the
transpose of the (H, 4H) dWh that Wh needs.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * z_o * (1 - z_t ** 2)
    di = dc * z_g * z_i * (1 - z_i)
    df = dc * prev_c * z_f * (1 - z_f)
    do = dnext_h * z_t * z_o * (1 - z_o)
    dg = dc * z_i * (1 - z_g ** 2)
    da = np.concatenate([di, df, do, dg], axis=1)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dprev_c = dc * z_f
    dWx = x.T @ da
    dWh = da.T @ prev_h
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
