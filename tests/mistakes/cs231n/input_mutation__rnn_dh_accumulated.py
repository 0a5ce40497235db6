"""
mistake: input-mutation
suite: cs231n
shows in: rnn_backward

The student folds the gradient from the later step into the upstream array itself,
dh[:, t - 1, :] += dprev_h, instead of into a local variable: the gradients come out right but
the caller's dh is modified.
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
    dh0 = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = h0 if t == 0 else h[:, t - 1, :]
        step_cache = (x[:, t, :], prev_h, Wh, Wx, b, h[:, t, :])
        dx[:, t, :], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :], step_cache)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
        if t > 0:
            dh[:, t - 1, :] += dprev_h
        else:
            dh0 = dprev_h
    return dx, dh0, dWx, dWh, db
