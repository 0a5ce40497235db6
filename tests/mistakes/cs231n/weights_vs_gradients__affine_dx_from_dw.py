"""
mistake: weights-vs-gradients
suite: cs231n
shows in: temporal_affine_backward

The student computes dw first and then back-propagates to the input with it, dx = dout dw^T,
using the weight gradient where the weights w belong (both are (D, M), so the shapes fit).
"""

import numpy as np


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    x2d = x.reshape(N * T, D)
    dout2d = dout.reshape(N * T, M)
    dw = x2d.T.dot(dout2d)
    db = dout2d.sum(axis=0)
    dx = dout2d.dot(dw.T).reshape(N, T, D)
    return dx, dw, db
