"""
mistake: input-mutation
suite: dlai
shows in: rnn_backward

The carried gradient is added into the caller's array, da[:, :, t] += da_prevt, before the slice
is handed to the cell backward. The gradients are right but the upstream da the caller passed in
is modified in place.
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
        da[:, :, t] += da_prevt
        gradients = rnn_cell_backward(da[:, :, t], caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
