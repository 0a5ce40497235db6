"""
mistake: loss-normalisation
suite: cs231n
shows in: temporal_softmax_loss

The student divides by the number of kept steps, mask.sum(), i.e. averages over the real
(unpadded) tokens, instead of dividing by the batch size N as the assignment prescribes.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    flat_x = x.reshape(N * T, V)
    flat_y = y.reshape(N * T)
    flat_mask = mask.reshape(N * T)
    num_valid = np.sum(flat_mask)

    z = flat_x - flat_x.max(axis=1)[:, None]
    log_sum = np.log(np.exp(z).sum(axis=1))
    log_p = z - log_sum[:, None]
    idx = np.arange(N * T)
    loss = -(log_p[idx, flat_y] * flat_mask).sum() / num_valid

    dflat = np.exp(log_p)
    dflat[idx, flat_y] -= 1.0
    dflat = dflat * flat_mask[:, None] / num_valid
    if verbose:
        print('dx_flat: ', dflat.shape)
    dx = dflat.reshape(N, T, V)
    return loss, dx
