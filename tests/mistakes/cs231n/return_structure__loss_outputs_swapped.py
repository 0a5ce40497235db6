"""
mistake: return-structure
suite: cs231n
shows in: temporal_softmax_loss

The loss and gradient are right but returned as (dx, loss), the order of a "gradient first"
helper the student wrote earlier, instead of the documented (loss, dx).
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    x2 = x.reshape(N * T, V)
    y2 = y.reshape(N * T)
    m2 = mask.reshape(N * T)
    z = x2 - x2.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -(m2 * logp[np.arange(N * T), y2]).sum() / N
    d = np.exp(logp)
    d[np.arange(N * T), y2] -= 1
    d *= m2[:, None] / N
    if verbose:
        print('dx_flat: ', d.shape)
    return d.reshape(N, T, V), loss
