"""
mistake: activation-derivative
suite: dlai
shows in: lstm_cell_backward, lstm_backward

The candidate's derivative written 1 - tanh(cct)**2: cct is already tanh of its pre-activation,
so tanh is applied a second time (the other gates' derivatives are right).
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a, m = a_next.shape

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - np.tanh(cct) ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf, dWi, dWc, dWo = dft @ concat.T, dit @ concat.T, dcct @ concat.T, dot @ concat.T
    dbf, dbi = dft.sum(axis=1, keepdims=True), dit.sum(axis=1, keepdims=True)
    dbc, dbo = dcct.sum(axis=1, keepdims=True), dot.sum(axis=1, keepdims=True)

    dconcat = (parameters["Wf"].T @ dft + parameters["Wi"].T @ dit
               + parameters["Wc"].T @ dcct + parameters["Wo"].T @ dot)
    return {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
