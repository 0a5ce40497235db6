"""
mistake: wrong-step-input
suite: dlai
shows in: lstm_forward, lstm_backward

The hidden state fed to step t is read back as a[:, :, t], the slot this very step is about to
fill (still zeros): every step gets a_prev = 0, a0 included; the cell state is carried right.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a[:, :, t], c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)
