"""
mistake: loss-normalisation
suite: cs231n
shows in: temporal_softmax_loss

Written as an explicit loop over the batch and time, the loss and gradient are summed but
never divided by N: the result is the batch total instead of the per-minibatch-example mean.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros((N, T, V))
    for i in range(N):
        for t in range(T):
            s = x[i, t] - np.max(x[i, t])
            log_prob = s - np.log(np.sum(np.exp(s)))
            if mask[i, t]:
                loss += -log_prob[y[i, t]]
                grad = np.exp(log_prob)
                grad[y[i, t]] -= 1
                dx[i, t] = grad
    if verbose:
        print('dx: ', dx.shape)
    return loss, dx
