"""
mistake: initial-state-gradient
suite: cs231n
shows in: lstm_backward

The student returns dh0 = dh[:, 0, :], the upstream gradient of the first hidden state, instead
of the dprev_h that the first step's backward produces for h0.
"""

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x = cache[T - 1]
    D = x.shape[1]
    dprev_h = np.zeros((N, H))
    dprev_c = np.zeros((N, H))
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros((4 * H,))
    for t in range(T):
        t = T - 1 - t
        dnext_h = dh[:, t, :] + dprev_h
        step_cache = cache[t]
        dx_t, dprev_h, dprev_c, dWxt, dWht, dbt = lstm_step_backward(dnext_h, dprev_c, step_cache)
        dx[:, t, :] = dx_t
        dWx, dWh, db = dWx + dWxt, dWh + dWht, db + dbt
    dh0 = dh[:, 0, :]
    return dx, dh0, dWx, dWh, db
