"""
mistake: wrong-activation
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

The RNN hidden state uses the sigmoid helper instead of np.tanh: a_next = sigmoid(Waa a_prev +
Wax xt + ba), so the states lie in (0, 1). The student's own backward uses the tanh derivative,
so its gradient check fails too.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = sigmoid(np.matmul(Waa, a_prev) + np.matmul(Wax, xt) + ba)
    yt_pred = softmax(np.matmul(Wya, a_next) + by)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
