"""
mistake: state-off-by-one
suite: dlai
shows in: lstm_forward

Copy-pasting the line above, the student stores the hidden state in both arrays:
c[:, :, t] = a_next. The carried states are right, so a, y and the caches are too; only the
returned c is wrong.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = a_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)
