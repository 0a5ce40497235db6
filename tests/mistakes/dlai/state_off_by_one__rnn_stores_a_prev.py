"""
mistake: state-off-by-one
suite: dlai
shows in: rnn_forward, rnn_backward

In the loop the student stores the state the step started from, a[:, :, t] = a_prev, before moving
on (a_prev = a_next), so a holds a0, a<1>, ..., a<T_x-1> instead of a<1>, ..., a<T_x>. The
predictions are right. The student's own rnn_backward assumes a<t> at position t, so its gradient
check fails.
"""

import numpy as np


def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_prev = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_prev
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
        a_prev = a_next

    caches = (caches, x)
    return a, y_pred, caches
