"""
mistake: index-offset
suite: cs231n
shows in: word_embedding_forward, word_embedding_backward

The student treats the word indices as 1-based and looks up W[x - 1]: every word gets the
vector of the previous word in the vocabulary (word 0 gets the last row). The backward is
right itself but fails its gradcheck item, which differentiates this forward.
"""

import numpy as np


def word_embedding_forward(x, W):
    out = W[x - 1]
    cache = (x, W.shape)
    return out, cache
