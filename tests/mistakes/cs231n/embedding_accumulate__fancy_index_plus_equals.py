"""
mistake: embedding-accumulate
suite: cs231n
shows in: word_embedding_backward

The student writes dW[x] += dout. With fancy indexing a word that occurs several times in x
is written once (the last occurrence wins) instead of receiving the sum of its gradients, which
is what np.add.at does.
"""

import numpy as np


def word_embedding_backward(dout, cache):
    x, W_shape = cache
    dW = np.zeros(W_shape)
    dW[x] += dout
    return dW
