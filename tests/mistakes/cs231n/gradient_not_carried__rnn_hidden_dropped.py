"""
mistake: gradient-not-carried
suite: cs231n
shows in: rnn_backward

Each step is back-propagated from dh[:, t] alone: the gradient dprev_h coming from step t + 1 is
computed but never added, so no gradient flows back through time (only dh0 gets it).
"""

import numpy as np


def rnn_backward(dh, cache):
    x, h0, Wh, Wx, b, h = cache
    N, T, H = dh.shape
    _, _, D = x.shape
    dprev_h = np.zeros((N, H))
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros((H,))
    for t in range(T):
        t = T - 1 - t
        xt = x[:, t, :]
        if t == 0:
            prev_h = h0
        else:
            prev_h = h[:, t - 1, :]
        step_cache = (xt, prev_h, Wh, Wx, b, h[:, t, :])
        dnext_h = dh[:, t, :]
        dx[:, t, :], dprev_h, dWxt, dWht, dbt = rnn_step_backward(dnext_h, step_cache)
        dWx, dWh, db = dWx + dWxt, dWh + dWht, db + dbt
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db
