"""
mistake: weights-vs-gradients
suite: dlai
shows in: rnn_cell_backward, rnn_backward

The gradient to the previous state uses dWaa where Waa belongs: da_prev = dWaa^T . dz (dWaa was
just computed and has the same square shape, so nothing complains). dxt and the weight gradients
are right.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]

    dz = da_next * (1 - np.square(a_next))

    dWax = dz @ xt.T
    dWaa = dz @ a_prev.T
    dba = dz.sum(axis=1, keepdims=True)

    dxt = Wax.T @ dz
    da_prev = dWaa.T @ dz

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
