"""
mistake: state-off-by-one
suite: dlai
shows in: lstm_forward, lstm_backward

The student saves the wrong quantity: a[:, :, t] = c_next (the cell state where the hidden state
belongs; c is stored right too). y, c and the caches are right, but a is the cell state, and the
student's own lstm_backward (loss on a) fails its gradient check.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    Wy = parameters["Wy"]
    n_x, m, T_x = x.shape
    n_y, n_a = Wy.shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = a0
    c_next = np.zeros(a_next.shape)

    for t in range(T_x):
        xt = x[:, :, t]
        a_next, c_next, yt, cache = lstm_cell_forward(xt, a_next, c_next, parameters)
        a[:, :, t] = c_next
        y[:, :, t] = yt
        c[:, :, t] = c_next
        caches.append(cache)

    return a, y, c, (caches, x)
