"""
mistake: gradient-not-carried
suite: cs231n
shows in: rnn_backward

The student "vectorised" the backward: dtanh = dh * (1 - h**2) for all steps at once, so
no gradient flows from step t+1 back into step t; dh0 from the first step's da alone.
"""

import numpy as np


def rnn_backward(dh, cache):
    x, h0, Wh, Wx, b, h = cache
    N, T, H = dh.shape
    h_prev = np.concatenate([h0[:, None, :], h[:, :-1, :]], axis=1)
    da = dh * (1 - h ** 2)
    dx = da @ Wx.T
    dWx = np.einsum("ntd,nth->dh", x, da)
    dWh = np.einsum("ntk,nth->kh", h_prev, da)
    db = da.sum(axis=(0, 1))
    dh0 = da[:, 0, :] @ Wh.T
    return dx, dh0, dWx, dWh, db
