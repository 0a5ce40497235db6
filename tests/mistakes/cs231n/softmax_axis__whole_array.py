"""
mistake: softmax-axis
suite: cs231n
shows in: temporal_softmax_loss

The probabilities are normalised by the sum of exp over the WHOLE score array (np.sum without
an axis), so every row sums to 1/(N*T)-ish instead of 1; the max shift is per row, which keeps
it finite but does not fix the normalisation.
"""

import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    scores = x.reshape(-1, V)
    targets = y.reshape(-1)
    keep = mask.reshape(-1)

    exp_scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores)
    rows = np.arange(scores.shape[0])
    loss = -np.sum(np.log(probs[rows, targets]) * keep) / N

    dscores = probs.copy()
    dscores[rows, targets] -= 1
    dscores = dscores * keep[:, np.newaxis] / N
    dx = dscores.reshape(N, T, V)
    if verbose:
        print('dx: ', dx.shape)
    return loss, dx
