"""
mistake: wrong-step-input
suite: dlai
shows in: rnn_forward, rnn_backward

The input slice is taken once before the loop with xt = x[:, :, -1] (the student meant "one time
step" and took the last), so every step is fed the last input x<T_x> instead of x<t>. The
student's own rnn_backward puts dx at each t, so its gradient check against this forward fails.
"""

import numpy as np


def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_next = a0
    xt = x[:, :, -1]
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    return a, y_pred, (caches, x)
