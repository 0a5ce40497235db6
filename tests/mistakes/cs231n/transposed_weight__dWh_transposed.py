"""
mistake: transposed-weight
suite: cs231n
shows in: rnn_step_backward, rnn_backward

dWh = da^T . prev_h: (H, H) either way, so the shape hides it; the gradient comes out transposed.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, da.T @ prev_h, da.sum(axis=0)
