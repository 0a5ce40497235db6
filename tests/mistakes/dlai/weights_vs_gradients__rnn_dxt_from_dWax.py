"""
mistake: weights-vs-gradients
suite: dlai
shows in: rnn_cell_backward, rnn_backward

The input gradient is computed with the weight GRADIENT instead of the weight:
dxt = dWax^T . dtanh (dWax was computed on the line above) instead of Wax^T . dtanh.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next ** 2) * da_next

    dWax = np.dot(dtanh, xt.T)
    dxt = np.dot(dWax.T, dtanh)

    dWaa = np.dot(dtanh, a_prev.T)
    da_prev = np.dot(Waa.T, dtanh)

    dba = np.sum(dtanh, axis=1, keepdims=True)

    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients
