"""
mistake: backward-time-order
suite: dlai
shows in: lstm_backward

The LSTM backward walks the steps in forward order (for t in range(T_x)), so the hidden and cell
gradients passed on at each step come from the previous step instead of the next one.
"""

import numpy as np


def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    da_next = np.zeros((n_a, m))
    dc_next = np.zeros((n_a, m))
    dWf = np.zeros((n_a, n_a + n_x)); dbf = np.zeros((n_a, 1))
    dWi = np.zeros((n_a, n_a + n_x)); dbi = np.zeros((n_a, 1))
    dWc = np.zeros((n_a, n_a + n_x)); dbc = np.zeros((n_a, 1))
    dWo = np.zeros((n_a, n_a + n_x)); dbo = np.zeros((n_a, 1))

    for t in range(T_x):
        g = lstm_cell_backward(da[:, :, t] + da_next, dc_next, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_next, dc_next = g["da_prev"], g["dc_prev"]
        dWf += g["dWf"]; dbf += g["dbf"]
        dWi += g["dWi"]; dbi += g["dbi"]
        dWc += g["dWc"]; dbc += g["dbc"]
        dWo += g["dWo"]; dbo += g["dbo"]

    return {"dx": dx, "da0": da_next, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
