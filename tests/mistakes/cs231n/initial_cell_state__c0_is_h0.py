"""
mistake: initial-cell-state
suite: cs231n
shows in: lstm_forward, lstm_backward

The student initialises the cell state with the initial hidden state, prev_c = h0, instead of
zeros as the assignment says.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = b.shape[0] // 4
    h = np.zeros((N, T, H))
    cache = {}
    prev_h = h0
    prev_c = h0
    for t in range(T):
        xt = x[:, t, :]
        next_h, next_c, cache[t] = lstm_step_forward(xt, prev_h, prev_c, Wx, Wh, b)
        prev_h = next_h
        prev_c = next_c
        h[:, t, :] = prev_h
    return h, cache
