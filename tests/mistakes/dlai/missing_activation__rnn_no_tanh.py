"""
mistake: missing-activation
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

The hidden state is left linear: a_next = Waa a_prev + Wax xt + ba with no tanh. The backwards are
right against the suite's cache, but their gradient check against the student's own (linear)
forward fails.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    # compute next activation state using the formula given above
    a_next = np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba
    # compute output of the current cell using the formula given above
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
