"""
mistake: gradient-not-carried
suite: dlai
shows in: lstm_backward

The loop carries the cell-state gradient (dc_prevt) but never the hidden one: da_prevt is
assigned before the loop and only dc_prevt is updated from the cell's gradients.
"""

import numpy as np


def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros_like(dWf); dWc = np.zeros_like(dWf); dWo = np.zeros_like(dWf)
    dbf = np.zeros((n_a, 1)); dbi = np.zeros_like(dbf); dbc = np.zeros_like(dbf); dbo = np.zeros_like(dbf)
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dc_prevt = gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]; dWi += gradients["dWi"]; dWc += gradients["dWc"]; dWo += gradients["dWo"]
        dbf += gradients["dbf"]; dbi += gradients["dbi"]; dbc += gradients["dbc"]; dbo += gradients["dbo"]
    da0 = gradients["da_prev"]
    return {"dx": dx, "da0": da0, "dWf": dWf, "dWi": dWi, "dWc": dWc, "dWo": dWo,
            "dbf": dbf, "dbi": dbi, "dbc": dbc, "dbo": dbo}
