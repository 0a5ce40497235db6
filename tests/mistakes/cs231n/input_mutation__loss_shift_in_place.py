"""
mistake: input-mutation
suite: cs231n
shows in: temporal_softmax_loss

To stabilise the softmax the student shifts the scores in place, x -= x.max(...): the values
returned are right, but the caller's score array x is changed.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    x -= np.max(x, axis=2, keepdims=True)
    log_probs = x - np.log(np.sum(np.exp(x), axis=2, keepdims=True))

    x_flat = log_probs.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    loss = -np.sum(mask_flat * x_flat[np.arange(N * T), y_flat]) / N

    dx_flat = np.exp(x_flat)
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]
    if verbose:
        print('dx_flat: ', dx_flat.shape)
    dx = dx_flat.reshape(N, T, V)
    return loss, dx
