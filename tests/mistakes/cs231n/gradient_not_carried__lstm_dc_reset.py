"""
mistake: gradient-not-carried
suite: cs231n
shows in: lstm_backward

The hidden-state gradient is carried back through time, but the cell-state gradient is reset
to zeros at every step (dnext_c = np.zeros_like(...) inside the loop) instead of being the
dprev_c returned by the step after it.
"""

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][-1].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dh_carry = np.zeros((N, H))
    for t in reversed(range(T)):
        dc_carry = np.zeros((N, H))
        dx_t, dh_carry, dc_carry, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dh_carry, dc_carry, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_carry, dWx, dWh, db
