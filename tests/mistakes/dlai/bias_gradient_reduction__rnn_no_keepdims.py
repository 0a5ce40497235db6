"""
mistake: bias-gradient-reduction
suite: dlai
shows in: rnn_cell_backward, rnn_backward

dba is summed over the batch without keepdims, np.sum(dtanh, axis=1), so it has shape (n_a,)
instead of ba's (n_a, 1); rnn_backward's dba += ... then broadcasts it into an (n_a, n_a) array
(or fails to).
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
    dWaa = np.dot(dtanh, a_prev.T)

    dba = np.sum(dtanh, axis=1)

    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients
