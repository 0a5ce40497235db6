"""
mistake: loss-normalisation
suite: cs231n
shows in: temporal_softmax_loss

The loss is averaged with np.mean over all N*T positions (a divide by N*T), while dx is divided
by N as the course's version does: the loss and its gradient disagree.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    x_flat, y_flat, mask_flat = x.reshape(N * T, V), y.reshape(N * T), mask.reshape(N * T)
    shifted = x_flat - x_flat.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(mask_flat * log_probs[np.arange(N * T), y_flat])
    dx_flat = np.exp(log_probs)
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat = dx_flat / N * mask_flat[:, None]
    return loss, dx_flat.reshape(N, T, V)
