"""
mistake: return-structure
suite: cs231n
shows in: rnn_step_backward, rnn_backward

rnn_step_backward returns its gradients in the order the parameters appear in the cache,
(dx, dprev_h, dWh, dWx, db), instead of (dx, dprev_h, dWx, dWh, db); rnn_backward, which
unpacks the documented order, then accumulates the wrong weight gradients.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    dtanh = (1 - next_h ** 2) * dnext_h
    dx = dtanh @ Wx.T
    dprev_h = dtanh @ Wh.T
    dWx = x.T @ dtanh
    dWh = prev_h.T @ dtanh
    db = dtanh.sum(axis=0)
    return dx, dprev_h, dWh, dWx, db
