"""
mistake: skipped-step
suite: cs231n
shows in: lstm_forward, lstm_backward

The forward loop runs for t in range(T - 1), so the last time step is never computed and
h[:, T - 1] stays zero.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = b.shape[0] // 4
    h = np.zeros((N, T, H))
    cache = {}
    prev_h = h0
    prev_c = np.zeros((N, H))
    for t in range(T - 1):
        next_h, next_c, cache[t] = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        prev_h, prev_c = next_h, next_c
        h[:, t, :] = prev_h
    return h, cache
