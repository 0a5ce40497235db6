"""
mistake: wrong-step-input
suite: dlai
shows in: rnn_forward, rnn_backward

Every step is fed x[:, :, 0]: the student sliced the input once before the loop.
"""

import numpy as np


def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    xt = x[:, :, 0]
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)
