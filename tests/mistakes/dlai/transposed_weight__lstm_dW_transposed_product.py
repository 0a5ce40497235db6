"""
mistake: transposed-weight
suite: dlai
shows in: lstm_cell_backward, lstm_backward

dWf, dWi, dWc, dWo computed as (concat . d^T): shape (n_a + n_x, n_a), the gate-weight gradients
transposed; the student's dconcat uses the weights right.
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    d = {"f": dc * c_prev * ft * (1 - ft), "i": dc * cct * it * (1 - it),
         "c": dc * it * (1 - cct ** 2), "o": da_next * tanh_c * ot * (1 - ot)}
    concat = np.concatenate((a_prev, xt), axis=0)
    grads = {}
    dconcat = 0
    for g in "fico":
        grads["dW" + g] = np.dot(concat, d[g].T)
        grads["db" + g] = np.sum(d[g], axis=1, keepdims=True)
        dconcat = dconcat + np.dot(parameters["W" + g].T, d[g])
    grads.update(da_prev=dconcat[:n_a], dxt=dconcat[n_a:], dc_prev=dc * ft)
    return grads
