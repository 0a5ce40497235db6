"""
mistake: embedding-accumulate
suite: cs231n
shows in: word_embedding_backward

A double loop over the batch and time assigns each step's gradient to its word's row,
dW[x[n, t]] = dout[n, t], so a repeated word keeps only its last gradient instead of the sum.
"""

import numpy as np


def word_embedding_backward(dout, cache):
    x, W_shape = cache
    N, T = x.shape
    dW = np.zeros(W_shape)
    for n in range(N):
        for t in range(T):
            word = x[n, t]
            dW[word] = dout[n, t]
    return dW
