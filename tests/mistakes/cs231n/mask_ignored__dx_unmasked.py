"""
mistake: mask-ignored
suite: cs231n
shows in: temporal_softmax_loss

The loss counts only the kept steps, but the gradient is returned for every step: the padded
(masked-out) positions get a nonzero dx although they do not contribute to the loss.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    xs = x.reshape(-1, V)
    ys = y.reshape(-1)
    ms = mask.reshape(-1)
    rows = np.arange(xs.shape[0])

    xs = xs - xs.max(axis=1, keepdims=True)
    lse = np.log(np.exp(xs).sum(axis=1, keepdims=True))
    logp = xs - lse
    loss = -np.sum(ms * logp[rows, ys]) / N

    dxs = np.exp(logp)
    dxs[rows, ys] -= 1
    dxs /= N
    dx = dxs.reshape(N, T, V)
    if verbose:
        print('dx: ', dx.shape)
    return loss, dx
