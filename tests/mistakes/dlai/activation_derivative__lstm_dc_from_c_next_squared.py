"""
mistake: activation-derivative
suite: dlai
shows in: lstm_cell_backward, lstm_backward

The derivative of tanh(c_next) written with c_next itself: 1 - c_next**2 instead of
1 - tanh(c_next)**2 (the output of the tanh is never cached, so the student squared its input).
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a, m = a_next.shape

    dc = dc_next + da_next * ot * (1 - c_next ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.vstack([a_prev, xt])
    gradients = {}
    dconcat = 0
    for gate, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        gradients["dW" + gate] = d @ concat.T
        gradients["db" + gate] = d.sum(axis=1, keepdims=True)
        dconcat = dconcat + parameters["W" + gate].T @ d
    gradients["da_prev"] = dconcat[:n_a]
    gradients["dxt"] = dconcat[n_a:]
    gradients["dc_prev"] = dc * ft
    return gradients
