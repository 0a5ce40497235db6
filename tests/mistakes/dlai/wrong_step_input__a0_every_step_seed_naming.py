"""
mistake: wrong-step-input
suite: dlai
shows in: rnn_forward, rnn_backward

Written in seed 000's own naming (U, W, V, hidden state s). Every cell is fed the initial state s0
instead of the previous cell's s_next, so the recurrence never links the steps (each s<t> depends
on x<t> only). The student's own rnn_backward carries the gradient through time, so its gradient
check against this forward fails.
"""

import numpy as np


def rnn_forward(x, s0, parameters):
    """
    x: input sequence, (n_x, m, T)
    s0: initial state, (n_a, m)
    parameters: U, W, V, b_a, b_y
    return: s (n_a, m, T), y (n_y, m, T), caches (list of caches, x)
    """
    caches = []
    n_x, m, T = x.shape
    n_y, n_a = parameters["V"].shape

    s = np.zeros((n_a, m, T))
    y = np.zeros((n_y, m, T))

    for t in range(T):
        s_next, out_pred, cache = rnn_cell_forward(x[:, :, t], s0, parameters)
        s[:, :, t] = s_next
        y[:, :, t] = out_pred
        caches.append(cache)

    return s, y, (caches, x)
