"""
mistake: weights-vs-gradients
suite: dlai
shows in: rnn_cell_backward, rnn_backward

Both input gradients use the weight gradients computed just above them: dxt = dWax^T . dtanh
and da_prev = dWaa^T . dtanh. The weight gradients themselves are right.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache

    dtanh = (1 - a_next ** 2) * da_next

    dWax = np.dot(dtanh, xt.T)
    dxt = np.dot(dWax.T, dtanh)

    dWaa = np.dot(dtanh, a_prev.T)
    da_prev = np.dot(dWaa.T, dtanh)

    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
