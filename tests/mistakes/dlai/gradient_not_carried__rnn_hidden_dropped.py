"""
mistake: gradient-not-carried
suite: dlai
shows in: rnn_backward

rnn_backward feeds each cell only its own upstream gradient, rnn_cell_backward(da[:, :, t], ...),
and never adds the da_prev flowing back from the later step, so no gradient travels through time
(da0 is only the first step's own share).
"""

import numpy as np


def rnn_backward(da, caches):
    caches, x = caches
    a1, a0, x1, parameters = caches[0]

    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))

    for t in reversed(range(T_x)):
        grads = rnn_cell_backward(da[:, :, t], caches[t])
        dx[:, :, t] = grads["dxt"]
        dWax += grads["dWax"]
        dWaa += grads["dWaa"]
        dba += grads["dba"]
        da0 = grads["da_prev"]

    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
