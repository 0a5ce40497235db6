"""
mistake: initial-state-gradient
suite: dlai
shows in: rnn_backward

da0 adds the first step's upstream gradient once more: da0 = da_prevt + da[:, :, 0]. The student
thinks a0 also receives the loss gradient of step 1, but da[:, :, 0] belongs to a<1> and has
already been pushed through the first cell.
"""

import numpy as np


def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    carry = np.zeros((n_a, m))

    for t in range(T_x - 1, -1, -1):
        g = rnn_cell_backward(da[:, :, t] + carry, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        carry = g["da_prev"]
        dWax += g["dWax"]
        dWaa += g["dWaa"]
        dba += g["dba"]

    da0 = carry + da[:, :, 0]
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
