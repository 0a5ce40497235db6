"""
mistake: gradient-overwritten
suite: cs231n
shows in: rnn_backward

dWx and db are accumulated with +=, but the recurrent weight gradient is written dWh = dWh_t,
so dWh keeps only the contribution of the first time step.
"""

import numpy as np


def rnn_backward(dh, cache):
    x, h0, Wh, Wx, b, h = cache
    N, T, H = dh.shape
    D = x.shape[2]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else h[:, t - 1, :]
        dx_t, dh_next, dWx_t, dWh_t, db_t = rnn_step_backward(
            dh[:, t, :] + dh_next, (x[:, t, :], h_prev, Wh, Wx, b, h[:, t, :]))
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh = dWh_t
        db += db_t
    return dx, dh_next, dWx, dWh, db
