"""
mistake: initial-cell-state
suite: dlai
shows in: lstm_forward, lstm_backward

Written with a branch for the first step: at t == 0 the student passes a0 as both the previous
hidden state and the previous cell state (c<0> = a0 instead of zeros); later steps carry c
correctly. The gradient check of the student's own lstm_backward fails on da0.
"""

import numpy as np


def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros_like(a)
    y = np.zeros((n_y, m, T_x))
    caches = []

    for t in range(T_x):
        if t == 0:
            a_prev, c_prev = a0, a0
        else:
            a_prev, c_prev = a[:, :, t - 1], c[:, :, t - 1]
        a[:, :, t], c[:, :, t], y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, parameters)
        caches.append(cache)

    return a, y, c, (caches, x)
