"""
mistake: return-structure
suite: cs231n
shows in: temporal_affine_backward

The gradients are computed correctly, but returned as (dx, db, dw) instead of the documented
(dx, dw, db).
"""

import numpy as np


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dout_2d = dout.reshape(N * T, M)
    dx = dout_2d.dot(w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T.dot(dout_2d)
    db = np.sum(dout_2d, axis=0)
    return dx, db, dw
