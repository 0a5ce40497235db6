"""
mistake: transposed-weight
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

The hidden-to-hidden term is written np.dot(Waa.T, a_prev): Waa is square, so the shapes work and
nothing complains, but the recurrence uses the transposed matrix (wrong whenever Waa is not
symmetric). The student's own backward assumes Waa, so its gradient check fails too.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(np.dot(Waa.T, a_prev) + np.dot(Wax, xt) + ba)
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
