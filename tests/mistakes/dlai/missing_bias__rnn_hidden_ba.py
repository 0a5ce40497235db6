"""
mistake: missing-bias
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

The hidden-state update leaves out the bias: a_next = tanh(Waa a_prev + Wax xt) with no ba. The
backwards are right against the suite's cache, but their gradient check fails: the student's own
forward no longer depends on ba while the backward still returns a non-zero dba.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    # Retrieve parameters from "parameters"
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    # compute next activation state
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt))
    # compute output of the current cell
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    # store values you need for backward propagation in cache
    cache = (a_next, a_prev, xt, parameters)

    return a_next, yt_pred, cache
