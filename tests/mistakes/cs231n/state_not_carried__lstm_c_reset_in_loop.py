"""
mistake: state-not-carried
suite: cs231n
shows in: lstm_forward, lstm_backward

The cell state is initialised to zeros inside the time loop, so it is reset at every step
instead of only once before the sequence.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    caches = []
    h_t = h0
    for t in range(T):
        c_t = np.zeros((N, H))
        h_t, c_t, step_cache = lstm_step_forward(x[:, t, :], h_t, c_t, Wx, Wh, b)
        h[:, t, :] = h_t
        caches.append(step_cache)
    return h, caches
