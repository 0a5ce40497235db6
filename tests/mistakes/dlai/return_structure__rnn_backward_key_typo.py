"""
mistake: return-structure
suite: dlai
shows in: rnn_backward

The returned dict spells the input-weight gradient "dWxa" instead of "dWax" (the student mixed
up the subscript order); the values are all right but the key the caller looks up is missing.
"""

import numpy as np


def rnn_backward(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]

    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    gradients = {"dx": dx, "da0": da0, "dWxa": dWax, "dWaa": dWaa, "dba": dba}
    return gradients
