"""
mistake: return-structure
suite: cs231n
shows in: rnn_step_backward

rnn_step_backward returns (dx, dprev_h, dWx, dWh): db is computed but left out of the return.
The student's rnn_backward unpacks the four it gets and sums db itself.
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    db = da.sum(axis=0)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da


def rnn_backward(dh, cache):
    x, h0, Wh, Wx, b, h = cache
    N, T, H = dh.shape
    D = x.shape[2]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = h0 if t == 0 else h[:, t - 1, :]
        dnext = dh[:, t, :] + dprev_h
        dx[:, t, :], dprev_h, dWxt, dWht = rnn_step_backward(dnext, (x[:, t, :], prev_h, Wh, Wx, b, h[:, t, :]))
        dWx += dWxt
        dWh += dWht
        db += (dnext * (1 - h[:, t, :] ** 2)).sum(axis=0)
    return dx, dprev_h, dWx, dWh, db
