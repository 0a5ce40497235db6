"""
mistake: recurrent-weight-gradient
suite: cs231n
shows in: rnn_step_backward, rnn_backward

Mixing up the state and its gradient, the student computes dWh = dprev_h^T dtanh, with the
gradient flowing to the previous state where the previous state itself (prev_h) belongs.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    dtanh = dnext_h * (1 - next_h ** 2)
    dprev_h = dtanh @ Wh.T
    dx = dtanh @ Wx.T
    dWx = x.T @ dtanh
    dWh = dprev_h.T @ dtanh
    db = dtanh.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db
