"""
mistake: reshape-order
suite: cs231n
shows in: temporal_affine_backward

dw = x.reshape(D, N*T) . dout.reshape(N*T, M): the student reshaped x to (D, N*T) to get "x
transposed", which reads the (N, T, D) numbers in another order than x.reshape(N*T, D).T does.
"""

import numpy as np


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dx = dout.reshape(N * T, M).dot(w.T).reshape(N, T, D)
    dw = x.reshape(D, N * T).dot(dout.reshape(N * T, M))
    db = dout.sum(axis=(0, 1))
    return dx, dw, db
