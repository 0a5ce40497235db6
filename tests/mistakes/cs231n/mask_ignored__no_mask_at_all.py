"""
mistake: mask-ignored
suite: cs231n
shows in: temporal_softmax_loss

The student never uses the mask argument: the 3-D softmax cross-entropy and its gradient count
every time step, so padded steps change both the loss and dx.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    shift = x - np.max(x, axis=2, keepdims=True)
    logp = shift - np.log(np.sum(np.exp(shift), axis=2, keepdims=True))
    onehot = np.zeros_like(x)
    for i in range(N):
        for t in range(T):
            onehot[i, t, y[i, t]] = 1
    loss = -np.sum(onehot * logp) / N
    dx = (np.exp(logp) - onehot) / N
    if verbose:
        print('dx: ', dx.shape)
    return loss, dx
