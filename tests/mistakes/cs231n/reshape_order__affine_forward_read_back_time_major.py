"""
mistake: reshape-order
suite: cs231n
shows in: temporal_affine_forward, temporal_affine_backward

The rows are flattened batch-major, x.reshape(N*T, D), but read back as if time-major:
.reshape(T, N, M).transpose(1, 0, 2). The backward mirrors it (dout.transpose(1, 0, 2) flattened).
"""

import numpy as np


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = (x.reshape(N * T, D) @ w).reshape(T, N, M).transpose(1, 0, 2) + b
    return out, (x, w, b, out)


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    d_flat = dout.transpose(1, 0, 2).reshape(N * T, M)
    dx = (d_flat @ w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T @ d_flat
    db = dout.sum(axis=(0, 1))
    return dx, dw, db
