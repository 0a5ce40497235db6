"""
mistake: transposed-weight
suite: dlai
shows in: rnn_cell_backward, rnn_backward

In the cell backward the gradient to the previous state is np.dot(Waa, dtanh) instead of
np.dot(Waa.T, dtanh): the square Waa hides the missing transpose from the shapes, but the values
are wrong for any non-symmetric Waa (the other gradients are right).
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next * a_next) * da_next

    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)

    da_prev = np.dot(Waa, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)

    dba = np.sum(dtanh, axis=1, keepdims=True)

    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients
