"""
mistake: activation-derivative
suite: dlai
shows in: rnn_cell_backward, rnn_backward

The student recomputed the pre-activation z = Wax x + Waa a_prev + ba and wrote the tanh
derivative as 1 - z**2: the "1 - t^2" formula holds for the output t = tanh(z), not for z.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    ba = parameters["ba"]

    z = np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba
    dz = da_next * (1 - z ** 2)

    dxt = np.dot(Wax.T, dz)
    dWax = np.dot(dz, xt.T)
    da_prev = np.dot(Waa.T, dz)
    dWaa = np.dot(dz, a_prev.T)
    dba = np.sum(dz, axis=1, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
