"""
mistake: softmax-axis
suite: cs231n
shows in: temporal_softmax_loss

Working on the (N, T, V) array directly without flattening, the student takes the softmax along
axis=1 (the time axis) instead of axis=2 (the vocabulary axis): each word's scores are
normalised across time steps.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    m = x.max(axis=1, keepdims=True)
    e = np.exp(x - m)
    p = e / e.sum(axis=1, keepdims=True)

    n_idx, t_idx = np.meshgrid(np.arange(N), np.arange(T), indexing='ij')
    p_true = p[n_idx, t_idx, y]
    loss = -np.sum(mask * np.log(p_true)) / N

    dx = p.copy()
    dx[n_idx, t_idx, y] -= 1
    dx *= mask[:, :, None]
    dx /= N
    if verbose:
        print('dx: ', dx.shape)
    return loss, dx
