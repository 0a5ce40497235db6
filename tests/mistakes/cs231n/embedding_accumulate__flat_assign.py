"""
mistake: embedding-accumulate
suite: cs231n
shows in: word_embedding_backward

Flattening the indices to (N*T,) and the gradients to (N*T, D), the student scatters them with
a plain assignment dW[idx] = grads; duplicate indices overwrite one another instead of adding.
"""

import numpy as np


def word_embedding_backward(dout, cache):
    x, W_shape = cache
    D = dout.shape[2]
    idx = x.flatten()
    grads = dout.reshape(-1, D)
    dW = np.zeros(W_shape)
    dW[idx] = grads
    return dW
