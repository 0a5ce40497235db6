"""
mistake: cache-layout
suite: dlai
shows in: lstm_forward, lstm_backward

The student took the initial cell state as a view, c_next = c[:, :, 0] (still zeros), and passed it
to the first cell, which caches it as c_prev; then c[:, :, 0] = c_next overwrites that memory, so
caches[0]'s c_prev silently becomes c<1> instead of c<0> = 0. a, y and c are right (the suite
does not compare dlai caches today), but the student's own lstm_backward reads the corrupted
c_prev (dWf, dbf at step 1), so its gradient check fails.
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
    c_next = c[:, :, 0]  # c<0> is zeros: reuse the (still empty) first slot

    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
