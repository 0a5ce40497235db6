"""
mistake: backward-time-order
suite: cs231n
shows in: lstm_backward

The LSTM backward loops for t in range(T), from t = 0 up to T - 1, passing
the hidden and cell gradients the wrong way through time.
"""

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][-1].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dh_prev = np.zeros((N, H))
    dc_prev = np.zeros((N, H))
    for t in range(T):
        step_cache = cache[t]
        dx[:, t, :], dh_prev, dc_prev, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dh_prev, dc_prev, step_cache)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dh_prev
    return dx, dh0, dWx, dWh, db
