"""
mistake: wrong-step-input
suite: dlai
shows in: lstm_forward, lstm_backward

lstm_forward starts the hidden state from zeros (a_next = np.zeros((n_a, m)), like the cell state)
and never uses the a0 it is given. The student's own lstm_backward returns a non-zero da0, so its
gradient check against this forward (where a0 has no effect) fails.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []

    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    # initialize a_next and c_next
    a_next = np.zeros((n_a, m))
    c_next = np.zeros((n_a, m))

    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        y[:, :, t] = yt
        c[:, :, t] = c_next
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
