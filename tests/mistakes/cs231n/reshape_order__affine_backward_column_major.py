"""
mistake: reshape-order
suite: cs231n
shows in: temporal_affine_backward

In the backward the student builds dx column-wise, w.dot(dout.reshape(M, N*T)), and reshapes
that (D, N*T) result to (N, T, D): reshape(M, N*T) is not a transpose, so dx mixes the
gradients of different steps and features (dw and db are right).
"""

import numpy as np


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dx = w.dot(dout.reshape(M, N * T)).reshape(N, T, D)
    dw = x.reshape(N * T, D).T.dot(dout.reshape(N * T, M))
    db = dout.sum(axis=(0, 1))
    return dx, dw, db
