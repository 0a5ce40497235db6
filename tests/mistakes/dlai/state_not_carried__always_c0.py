"""
mistake: state-not-carried
suite: dlai
shows in: lstm_forward, lstm_backward

The cell state returned by each step goes into a different variable (c_t) than the one fed to the
next step (c0, never updated), so every step starts again from c<0> = 0: c is stored but not
passed on. The student's own lstm_backward fails its gradient check against this forward.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_t = a0
    c0 = np.zeros((n_a, m))

    for t in range(T_x):
        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t], a_t, c0, parameters)
        a[:, :, t] = a_t
        c[:, :, t] = c_t
        y[:, :, t] = y_t
        caches.append(cache)

    return a, y, c, (caches, x)
