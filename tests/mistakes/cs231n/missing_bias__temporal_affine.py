"""
mistake: missing-bias
suite: cs231n
shows in: temporal_affine_forward, temporal_affine_backward

The temporal affine layer returns x w reshaped to (N, T, M) and never adds b. The backward is
right itself but fails its gradcheck item: this forward does not depend on b, yet db is not 0.
"""

import numpy as np


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = w.shape[1]
    out = np.dot(x.reshape(N * T, D), w).reshape(N, T, M)
    cache = x, w, b, out
    return out, cache
