"""
mistake: return-structure
suite: dlai
shows in: lstm_forward, lstm_backward

lstm_forward computes c but returns only (a, y, caches), as rnn_forward does, instead of
(a, y, c, caches). Everything computed is right; the result has one value too few (the gradient
check of lstm_backward runs this forward, so it fails as well).
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = a0
    c_next = np.zeros((n_a, m))

    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, caches
