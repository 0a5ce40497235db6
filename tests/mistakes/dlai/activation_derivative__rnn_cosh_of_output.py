"""
mistake: activation-derivative
suite: dlai
shows in: rnn_cell_backward, rnn_backward

The student remembered d tanh(u)/du = 1 / cosh(u)**2 and wrote it with a_next in place of the
pre-activation u: 1 / cosh(a_next)**2 is 1 - tanh(a_next)**2, tanh applied a second time.
"""

import numpy as np


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]

    dtanh = da_next / np.cosh(a_next) ** 2

    gradients = {
        "dxt": np.dot(Wax.T, dtanh),
        "da_prev": np.dot(Waa.T, dtanh),
        "dWax": np.dot(dtanh, xt.T),
        "dWaa": np.dot(dtanh, a_prev.T),
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }
    return gradients
