"""
mistake: index-offset
suite: dlai
shows in: rnn_forward, rnn_backward

The student numbers time steps from 1 as in the notes (x<1> is the first input) and reads
x[:, :, t - 1] with t from range(T_x): step 1 gets x[:, :, -1] (the last input) and every other
step the previous one. The student's own rnn_backward fails its gradient check against it.
"""

import numpy as np


def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_next = a0
    for t in range(T_x):
        xt = x[:, :, t - 1]
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    caches = (caches, x)
    return a, y_pred, caches
