"""
mistake: dtype
suite: cs231n
shows in: word_embedding_forward, word_embedding_backward

The output buffer is allocated with the dtype of the index array x (an integer array), so the
looked-up word vectors are truncated to integers when they are written into it.
word_embedding_backward is right itself but fails its gradcheck item, which differentiates
this forward.
"""

import numpy as np


def word_embedding_forward(x, W):
    N, T = x.shape
    V, D = W.shape
    out = np.zeros((N, T, D), dtype=x.dtype)
    for n in range(N):
        for t in range(T):
            out[n, t, :] = W[x[n, t], :]
    cache = (x, W.shape)
    return out, cache
