"""
mistake: gradient-overwritten
suite: dlai
shows in: rnn_backward

Inside the time loop the weight gradients are assigned, dWax = gradients["dWax"] (and likewise
dWaa, dba), instead of accumulated with +=, so only the last-processed step (t = 0) survives.
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
    da0 = np.zeros((n_a, m))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax = gradients["dWax"]
        dWaa = gradients["dWaa"]
        dba = gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
