"""
mistake: bias-gradient-reduction
suite: cs231n
shows in: temporal_affine_backward

The bias gradient is summed over the batch axis only, dout.sum(axis=0), leaving a (T, M) array
instead of summing over both the batch and the time axes.
"""

import numpy as np


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dx = np.einsum('ntm,dm->ntd', dout, w)
    dw = np.einsum('ntd,ntm->dm', x, dout)
    db = dout.sum(axis=0)
    return dx, dw, db
