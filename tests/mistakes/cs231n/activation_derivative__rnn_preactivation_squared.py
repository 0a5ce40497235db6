"""
mistake: activation-derivative
suite: cs231n
shows in: rnn_step_backward, rnn_backward

The student recomputed the pre-activation a = x Wx + prev_h Wh + b in the backward and took
1 - a**2 as tanh's derivative: the formula in terms of the output (next_h), applied to the input.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    a = x @ Wx + prev_h @ Wh + b
    da = dnext_h * (1 - a ** 2)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db
