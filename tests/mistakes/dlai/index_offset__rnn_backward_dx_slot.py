"""
mistake: index-offset
suite: dlai
shows in: rnn_backward

The input gradient of step t is stored one slot early, dx[:, :, t - 1] = dxt, so each dx<t> lands
at t-1 and the first step's dx wraps round to the last slot; the weight gradients and da0 are
right.
"""

import numpy as np


def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        grads = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t - 1] = grads["dxt"]
        da_prevt = grads["da_prev"]
        dWax += grads["dWax"]
        dWaa += grads["dWaa"]
        dba += grads["dba"]

    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
