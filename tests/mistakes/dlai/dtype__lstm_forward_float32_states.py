"""
mistake: dtype
suite: dlai
shows in: lstm_forward, lstm_backward

The student allocated the state arrays in single precision to save memory,
np.zeros(..., dtype=np.float32), so a and c come back as float32 (y is float64): in float64 mode
they lose accuracy, and the float32 rounding of a also spoils the central differences of the
student's own lstm_backward gradient check.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x), dtype=np.float32)
    c = np.zeros((n_a, m, T_x), dtype=np.float32)
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
    return a, y, c, caches
