"""
mistake: state-off-by-one
suite: dlai
shows in: lstm_forward, lstm_backward

a[:, :, t] = a_prev: the hidden state stored is the one fed to the step, not the one it returns.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    a_prev, c_prev = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, parameters)
        a[:, :, t] = a_prev
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
        a_prev, c_prev = a_next, c_next
    return a, y, c, (caches, x)
