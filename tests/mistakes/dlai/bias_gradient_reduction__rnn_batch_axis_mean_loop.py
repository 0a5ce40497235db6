"""
mistake: bias-gradient-reduction
suite: dlai
shows in: rnn_cell_backward, rnn_backward

dba built in a loop over the batch's columns and divided by m at the end: the batch mean of
dtanh, where the gradient of the broadcast bias is its sum.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_next ** 2) * da_next
    n_a, m = dtanh.shape
    dba = np.zeros((n_a, 1))
    for j in range(m):
        dba[:, 0] += dtanh[:, j]
    dba /= m
    return {"dxt": parameters["Wax"].T @ dtanh, "da_prev": parameters["Waa"].T @ dtanh,
            "dWax": dtanh @ xt.T, "dWaa": dtanh @ a_prev.T, "dba": dba}
