"""
mistake: return-structure
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

rnn_cell_forward returns (yt_pred, a_next, cache) instead of (a_next, yt_pred, cache). The base
rnn_forward unpacks it in the prescribed order, so it stores the prediction as the hidden state
(and feeds it to the next step), and the gradient check of rnn_backward, which runs that
rnn_forward, fails; so does rnn_cell_backward's, which differentiates the swapped forward.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    cache = (a_next, a_prev, xt, parameters)
    return yt_pred, a_next, cache
