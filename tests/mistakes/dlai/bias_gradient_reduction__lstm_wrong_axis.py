"""
mistake: bias-gradient-reduction
suite: dlai
shows in: lstm_cell_backward, lstm_backward

The gate-bias gradients are summed over the wrong axis, np.sum(d, axis=0, keepdims=True): over the
hidden units instead of over the batch, giving shape (1, m) instead of (n_a, 1).
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate([a_prev, xt])
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = np.sum(dft, axis=0, keepdims=True)
    dbi = np.sum(dit, axis=0, keepdims=True)
    dbc = np.sum(dcct, axis=0, keepdims=True)
    dbo = np.sum(dot, axis=0, keepdims=True)

    dconcat = (parameters["Wf"].T @ dft + parameters["Wi"].T @ dit
               + parameters["Wc"].T @ dcct + parameters["Wo"].T @ dot)
    da_prev = dconcat[:n_a]
    dxt = dconcat[n_a:]
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf, "dWi": dWi,
            "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
