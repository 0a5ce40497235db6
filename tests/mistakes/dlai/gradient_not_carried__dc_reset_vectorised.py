"""
mistake: gradient-not-carried
suite: dlai
shows in: lstm_backward

The cell-state gradient is not carried: each step is called with a fresh zero dc_next
(np.zeros_like(da_prev)), so the dc_prev the cell returns is thrown away and the gradient along
the cell state (the LSTM's long path) is lost. The hidden-state gradient is carried.
"""

import numpy as np


def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = cell_caches[0][8].shape[0]

    keys = ["dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"]
    totals = {k: 0.0 for k in keys}
    dx = np.zeros((n_x, m, T_x))
    da_prev = np.zeros((n_a, m))

    for t in range(T_x - 1, -1, -1):
        g = lstm_cell_backward(da[:, :, t] + da_prev, np.zeros_like(da_prev), cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prev = g["da_prev"]
        totals = {k: totals[k] + g[k] for k in keys}

    return {"dx": dx, "da0": da_prev, **totals}
