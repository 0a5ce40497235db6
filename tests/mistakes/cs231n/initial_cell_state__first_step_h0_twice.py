"""
mistake: initial-cell-state
suite: cs231n
shows in: lstm_forward, lstm_backward

The first step is unrolled before the loop and called as lstm_step_forward(x[:, 0], h0, h0, ...),
passing h0 as the initial cell state too; later steps carry the state correctly.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    caches = []
    h_t, c_t, first = lstm_step_forward(x[:, 0, :], h0, h0, Wx, Wh, b)
    h[:, 0, :] = h_t
    caches.append(first)
    for t in range(1, T):
        h_t, c_t, step = lstm_step_forward(x[:, t, :], h_t, c_t, Wx, Wh, b)
        h[:, t, :] = h_t
        caches.append(step)
    return h, caches
