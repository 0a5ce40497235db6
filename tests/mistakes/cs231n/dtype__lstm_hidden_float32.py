"""
mistake: dtype
suite: cs231n
shows in: lstm_forward, lstm_backward

The hidden-state array of the whole sequence is allocated as float32, so every stored h is
rounded to single precision and lstm_forward returns a float32 array. lstm_backward fails
only its gradcheck item (the float32 forward's numerical gradient).
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=np.float32)
    cache = []
    h_t = h0
    c_t = np.zeros_like(h0)
    for t in range(T):
        h_t, c_t, step_cache = lstm_step_forward(x[:, t, :], h_t, c_t, Wx, Wh, b)
        h[:, t, :] = h_t
        cache.append(step_cache)
    return h, cache
