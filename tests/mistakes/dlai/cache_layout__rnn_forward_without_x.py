"""
mistake: cache-layout
suite: dlai
shows in: rnn_forward, rnn_backward

rnn_forward returns just the list of cell caches instead of the prescribed tuple (caches, x): x is
left out. a and y_pred are right (the suite does not compare dlai caches today), but the
student's own rnn_backward unpacks (caches, x) from it, so its gradient check fails.
"""

import numpy as np


def rnn_forward(x, a0, parameters):
    caches = []

    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros([n_a, m, T_x])
    y_pred = np.zeros([n_y, m, T_x])

    a_prev = a0
    for t in range(T_x):
        xt = x[:, :, t]
        a_prev, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
        a[:, :, t] = a_prev
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    return a, y_pred, caches
