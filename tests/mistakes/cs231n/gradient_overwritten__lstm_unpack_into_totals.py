"""
mistake: gradient-overwritten
suite: cs231n
shows in: lstm_backward

The step backward's results are unpacked straight into dWx, dWh, db, so each step replaces the
gradients accumulated so far instead of adding to them.
"""

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][-1].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dprev_h = np.zeros((N, H))
    dprev_c = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dprev_c, dWx, dWh, db = lstm_step_backward(
            dh[:, t, :] + dprev_h, dprev_c, cache[t])
    return dx, dprev_h, dWx, dWh, db
