"""
mistake: forget-gate-factor
suite: dlai
shows in: lstm_cell_backward, lstm_backward

The forget-gate gradient is written dft = dc * ft * (1 - ft), without the c_prev factor that the
forget gate multiplies in c_next = ft * c_prev + it * cct. dWf, dbf and the input gradients they
feed are wrong; dc_prev (= dc * ft) is right.
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]

    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)

    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * ft * (1 - ft)

    concat = np.vstack((a_prev, xt))
    dWf, dWi, dWc, dWo = dft @ concat.T, dit @ concat.T, dcct @ concat.T, dot @ concat.T
    dbf, dbi, dbc, dbo = (d.sum(axis=1, keepdims=True) for d in (dft, dit, dcct, dot))

    dconcat = (parameters["Wf"].T @ dft + parameters["Wi"].T @ dit
               + parameters["Wc"].T @ dcct + parameters["Wo"].T @ dot)
    da_prev, dxt = dconcat[:n_a], dconcat[n_a:]
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf, "dWi": dWi,
            "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
