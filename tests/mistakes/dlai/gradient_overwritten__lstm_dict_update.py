"""
mistake: gradient-overwritten
suite: dlai
shows in: lstm_backward

The student collects the gate gradients with grads.update(...) / grads[k] = step[k] inside the
loop, which replaces the previous step's values instead of adding to them, so each dW / db is the
gradient of the first time step only.
"""

import numpy as np


def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = caches[0][8].shape[0]

    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    grads = {}

    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = step["dxt"]
        da_prevt = step["da_prev"]
        dc_prevt = step["dc_prev"]
        for k in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"):
            grads[k] = step[k]

    grads["dx"] = dx
    grads["da0"] = da_prevt
    return grads
