"""
mistake: concat-order
suite: dlai
shows in: lstm_cell_backward, lstm_backward

In the cell backward the student rebuilt the gate input as np.vstack([xt, a_prev]) to form the
weight gradients dW = dgate . concat^T, so the columns of dWf, dWi, dWc, dWo belonging to a_prev
and to xt are swapped. dxt, da_prev, dc_prev and the biases are right.
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

    z = np.vstack([xt, a_prev])
    dWf = dft @ z.T
    dWi = dit @ z.T
    dWc = dcct @ z.T
    dWo = dot @ z.T
    dbf = dft.sum(axis=1, keepdims=True)
    dbi = dit.sum(axis=1, keepdims=True)
    dbc = dcct.sum(axis=1, keepdims=True)
    dbo = dot.sum(axis=1, keepdims=True)

    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf, "dWi": dWi,
            "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
