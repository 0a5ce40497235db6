"""
mistake: gradient-overwritten
suite: dlai
shows in: rnn_backward

Written in seed 000's own naming (ds, ds0, dU, dW). dU and dba are accumulated over time, but the
recurrent weight gradient is assigned, dW = gradients["dW"], so it holds only the first step's
contribution. (The seed-named rnn_cell_backward here is correct: it is part of the file only
because the student wrote it in the same naming.)
"""

import numpy as np


def rnn_cell_backward(ds_next, cache):
    (s_next, s_prev, x_t, parameters) = cache
    U = parameters["U"]
    W = parameters["W"]

    dtanh = (1 - s_next ** 2) * ds_next
    dU = np.dot(dtanh, x_t.T)
    dW = np.dot(dtanh, s_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    dx_t = np.dot(U.T, dtanh)
    ds_prev = np.dot(W.T, dtanh)

    return {"dU": dU, "dW": dW, "dba": dba, "dx_t": dx_t, "ds_prev": ds_prev}


def rnn_backward(ds, caches):
    """
    ds: gradient of the loss w.r.t. s at every time step, (n_a, m, T)
    caches: (list of cell caches, x)
    return: dx (n_x, m, T), ds0 (n_a, m), dU, dW, dba
    """
    cell_caches, x = caches
    (s1, s0, x_1, parameters) = cell_caches[0]

    n_a, m, T = ds.shape
    n_x, _ = x_1.shape

    dU = np.zeros((n_a, n_x))
    dW = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    ds_prevt = np.zeros((n_a, m))
    dx = np.zeros((n_x, m, T))

    for t in reversed(range(T)):
        gradients = rnn_cell_backward(ds[:, :, t] + ds_prevt, cell_caches[t])
        ds_prevt = gradients["ds_prev"]
        dU += gradients["dU"]
        dW = gradients["dW"]
        dba += gradients["dba"]
        dx[:, :, t] = gradients["dx_t"]

    return {"dx": dx, "ds0": ds_prevt, "dU": dU, "dW": dW, "dba": dba}
