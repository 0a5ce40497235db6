"""
mistake: bias-gradient-reduction
suite: cs231n
shows in: temporal_affine_backward

After flattening dout to (N*T, M) the student sums it with keepdims=True, returning db of shape
(1, M) instead of the (M,) of b.
"""

import numpy as np


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dout_flat = dout.reshape(N * T, M)
    dx = dout_flat.dot(w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T.dot(dout_flat)
    db = np.sum(dout_flat, axis=0, keepdims=True)
    return dx, dw, db
