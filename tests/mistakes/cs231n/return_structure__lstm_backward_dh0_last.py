"""
mistake: return-structure
suite: cs231n
shows in: lstm_backward

lstm_backward returns (dx, dWx, dWh, db, dh0): every gradient right, dh0 moved to the end.
"""

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][9].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dprev_h, dprev_c, dWxt, dWht, dbt = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
        dWx += dWxt
        dWh += dWht
        db += dbt
    return dx, dWx, dWh, db, dprev_h
