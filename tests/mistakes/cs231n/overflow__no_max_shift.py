"""
mistake: overflow
suite: cs231n
shows in: temporal_softmax_loss

The softmax is computed as exp(x) / sum(exp(x)) with no max shift. Exact in exact arithmetic,
but exp(1000) overflows to inf and inf / inf = nan, so both the loss and dx are nan on large
scores.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for n in range(N):
        for t in range(T):
            if not mask[n, t]:
                continue
            scores = x[n, t]
            exps = np.exp(scores)
            p = exps / np.sum(exps)
            loss -= np.log(p[y[n, t]])
            p[y[n, t]] -= 1
            dx[n, t] = p
    loss /= N
    dx /= N
    if verbose:
        print('dx: ', dx.shape)
    return loss, dx
