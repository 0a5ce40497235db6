"""
mistake: initial-state-gradient
suite: cs231n
shows in: rnn_backward

dh0 is initialised to zeros before the loop and never assigned afterwards: the student forgot
dh0 = dprev_h, so the gradient of the initial hidden state comes back as all zeros.
"""

import numpy as np


def rnn_backward(dh, cache):
    x, h0, Wh, Wx, b, h = cache
    N, T, H = dh.shape
    _, _, D = x.shape
    dprev_h = np.zeros((N, H))
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros((H,))
    for t in range(T - 1, -1, -1):
        prev_h = h0 if t == 0 else h[:, t - 1, :]
        step_cache = (x[:, t, :], prev_h, Wh, Wx, b, h[:, t, :])
        dx[:, t, :], dprev_h, dWxt, dWht, dbt = rnn_step_backward(dh[:, t, :] + dprev_h, step_cache)
        dWx += dWxt
        dWh += dWht
        db += dbt
    return dx, dh0, dWx, dWh, db
