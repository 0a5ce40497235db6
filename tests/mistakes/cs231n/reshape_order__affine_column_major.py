"""
mistake: reshape-order
suite: cs231n
shows in: temporal_affine_forward, temporal_affine_backward

Thinking of the data as columns, the student reshapes x to (D, N*T) and computes w.T x: the
reshape does not transpose, it regroups the memory, so each "column" mixes features of
different time steps. The backward is right itself but fails its gradcheck item, which
differentiates this forward.
"""

import numpy as np


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = w.T.dot(x.reshape(D, N * T)).T.reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache
