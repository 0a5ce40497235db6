"""
mistake: state-off-by-one
suite: dlai
shows in: lstm_forward

The cell state is saved before the cell is called: c[:, :, t] = c_prev, then the step runs, so c
holds c<0>, ..., c<T_x-1> (zeros first) instead of c<1>, ..., c<T_x>. a, y and the caches are
right; only the returned c is one step late (c is not a gradient-check output, so the backward is
not affected).
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_prev = a0
    c_prev = np.zeros((n_a, m))

    for t in range(T_x):
        c[:, :, t] = c_prev
        a_prev, c_prev, yt, cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, parameters)
        a[:, :, t] = a_prev
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
