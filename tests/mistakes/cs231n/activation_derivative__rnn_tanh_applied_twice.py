"""
mistake: activation-derivative
suite: cs231n
shows in: rnn_step_backward, rnn_backward

The cache holds the tanh OUTPUT next_h, but the student uses the derivative formula for the
pre-activation, 1 - tanh(next_h)^2, applying tanh a second time.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    dtanh = (1 - np.tanh(next_h) ** 2) * dnext_h
    dx = dtanh @ Wx.T
    dprev_h = dtanh @ Wh.T
    dWx = x.T @ dtanh
    dWh = prev_h.T @ dtanh
    db = dtanh.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db
