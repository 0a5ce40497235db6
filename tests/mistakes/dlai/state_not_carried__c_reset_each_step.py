"""
mistake: state-not-carried
suite: dlai
shows in: lstm_forward, lstm_backward

Inside the loop the cell state is re-created as zeros before every call,
c_prev = np.zeros((n_a, m)), so the LSTM never remembers anything through c (the hidden state is
carried correctly). The student's own lstm_backward carries dc through time, so its gradient check
against this forward fails.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_prev = a0
    for t in range(T_x):
        c_prev = np.zeros((n_a, m))
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
        a_prev = a_next

    caches = (caches, x)
    return a, y, c, caches
