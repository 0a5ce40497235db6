"""
mistake: initial-cell-state
suite: dlai
shows in: lstm_forward, lstm_backward

The student initialised the cell state from the hidden state, c_next = a0, instead of zeros, so
every a, c and y depends on a wrong c<0>. The student's own lstm_backward (which assumes c<0> = 0
does not depend on a0) fails its gradient check on da0.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []

    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    # Initialize a_next and c_next
    a_next = a0
    c_next = a0

    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
