"""
mistake: transposed-weight
suite: dlai
shows in: rnn_cell_backward, rnn_backward

The student computed the input-weight gradient as xt . dtanh^T, which is dWax transposed: shape
(n_x, n_a) instead of Wax's (n_a, n_x). Everything else in the cell backward is right.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache

    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    # gradient of loss with respect to z (through tanh)
    dz = da_next * (1 - a_next ** 2)

    dxt = Wax.T @ dz
    dWax = xt @ dz.T

    da_prev = Waa.T @ dz
    dWaa = dz @ a_prev.T

    dba = dz.sum(axis=1, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
