"""
mistake: loss-normalisation
suite: cs231n
shows in: temporal_softmax_loss

Loss and dx divided by T (averaged over time) instead of by the batch size N, in a loop over
time steps.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for t in range(T):
        scores = x[:, t, :]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss -= np.sum(mask[:, t] * log_p[np.arange(N), y[:, t]])
        d = np.exp(log_p)
        d[np.arange(N), y[:, t]] -= 1
        dx[:, t, :] = d * mask[:, t][:, None]
    return loss / T, dx / T
