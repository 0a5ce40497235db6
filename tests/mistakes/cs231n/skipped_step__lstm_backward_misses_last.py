"""
mistake: skipped-step
suite: cs231n
shows in: lstm_backward

The backward loop starts at T - 2, for t in range(T - 2, -1, -1) (an extra "- 1" from the
usual T - 1), so the last time step's gradient is never back-propagated.
"""

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][-1].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros((4 * H,))
    dh_next = np.zeros((N, H))
    dc_next = np.zeros((N, H))
    for t in range(T - 2, -1, -1):
        dx[:, t, :], dh_next, dc_next, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dh_next, dc_next, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_next, dWx, dWh, db
