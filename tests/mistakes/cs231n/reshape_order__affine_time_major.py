"""
mistake: reshape-order
suite: cs231n
shows in: temporal_affine_forward, temporal_affine_backward

The student goes time-major, x.transpose(1, 0, 2).reshape(T * N, D), for the matrix product
but reshapes the result straight back to (N, T, M) without transposing back, so the outputs of
different sequences and steps are shuffled. The backward is right itself but fails its
gradcheck item, which differentiates this forward.
"""

import numpy as np


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    x_tm = x.transpose(1, 0, 2).reshape(T * N, D)
    out = (x_tm.dot(w) + b).reshape(N, T, M)
    cache = x, w, b, out
    return out, cache
