"""
mistake: skipped-step
suite: dlai
shows in: lstm_forward, lstm_backward

The forward loop runs for t in range(T_x - 1), so the last time step is never computed: a, c and y
keep zeros in their last slot and caches has one cache too few. The student's own lstm_backward
(T_x steps, taken from da) then asks for a cache that is not there, so its gradient check fails.
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

    for t in range(T_x - 1):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
