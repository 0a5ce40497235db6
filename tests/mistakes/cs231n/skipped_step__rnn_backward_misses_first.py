"""
mistake: skipped-step
suite: cs231n
shows in: rnn_backward

The backward loop runs for t in range(T - 1, 0, -1), stopping before t = 0: the first step is
never back-propagated (dx[:, 0] stays zero, its weight gradients are missing and dh0 is the
gradient of h_1, not of h0).
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
    for t in range(T - 1, 0, -1):
        step_cache = (x[:, t, :], h[:, t - 1, :], Wh, Wx, b, h[:, t, :])
        dnext_h = dh[:, t, :] + dprev_h
        dx[:, t, :], dprev_h, dWxt, dWht, dbt = rnn_step_backward(dnext_h, step_cache)
        dWx, dWh, db = dWx + dWxt, dWh + dWht, db + dbt
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db
