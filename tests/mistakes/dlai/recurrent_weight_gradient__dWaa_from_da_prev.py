"""
mistake: recurrent-weight-gradient
suite: dlai
shows in: rnn_cell_backward, rnn_backward

The recurrent weight gradient is computed from the gradient just obtained,
dWaa = dtanh . da_prev^T, instead of from the previous state, dtanh . a_prev^T (as in seed 004).
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next ** 2) * da_next

    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)

    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, da_prev.T)

    dba = np.sum(dtanh, axis=1, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
