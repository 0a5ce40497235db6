"""
mistake: wrong-step-input
suite: cs231n
shows in: lstm_forward, lstm_backward

The input slice is taken once before the loop, x_t = x[:, 0, :], and never updated, so every
time step of the LSTM sees the first input.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = b.shape[0] // 4
    h = np.zeros((N, T, H))
    cache = {}
    prev_h = h0
    prev_c = np.zeros((N, H))
    x_t = x[:, 0, :]
    for t in range(T):
        prev_h, prev_c, cache[t] = lstm_step_forward(x_t, prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
    return h, cache
