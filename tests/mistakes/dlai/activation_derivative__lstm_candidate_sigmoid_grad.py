"""
mistake: activation-derivative
suite: dlai
shows in: lstm_cell_backward, lstm_backward

The candidate's gradient uses the sigmoid derivative cct * (1 - cct), copied from the gate lines,
although cct = tanh(...) needs 1 - cct**2. dWc, dbc and the input gradients are wrong.
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]

    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c * tanh_c)

    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * cct * (1 - cct)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.vstack((a_prev, xt))
    grads = {}
    for gate, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        grads["dW" + gate] = d @ concat.T
        grads["db" + gate] = np.sum(d, axis=1, keepdims=True)

    dconcat = (parameters["Wf"].T @ dft + parameters["Wi"].T @ dit
               + parameters["Wc"].T @ dcct + parameters["Wo"].T @ dot)
    grads["da_prev"] = dconcat[:n_a]
    grads["dxt"] = dconcat[n_a:]
    grads["dc_prev"] = dc * ft
    return grads
