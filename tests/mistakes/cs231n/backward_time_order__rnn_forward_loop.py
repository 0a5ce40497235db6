"""
mistake: backward-time-order
suite: cs231n
shows in: rnn_backward

The backward loop runs for t in range(T), from the first step to the last, carrying dprev_h
forward in time: each step receives the gradient of the step BEFORE it instead of the one after.
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
        xt = x[:, t, :]
        if t == 0:
            prev_h = h0
        else:
            prev_h = h[:, t - 1, :]
        step_cache = (xt, prev_h, Wh, Wx, b, h[:, t, :])
        dnext_h = dh[:, t, :] + dprev_h
        dx[:, t, :], dprev_h, dWxt, dWht, dbt = rnn_step_backward(dnext_h, step_cache)
        dWx, dWh, db = dWx + dWxt, dWh + dWht, db + dbt
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db
