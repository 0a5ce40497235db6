"""
mistake: return-structure
suite: dlai
shows in: rnn_forward, rnn_backward

rnn_forward returns (a, caches): y_pred is computed but left out of the return. The student's
rnn_backward is the notebook's, so its gradient check (on the own forward's cache) fails too.
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
        a_next, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, (caches, x)
