"""
mistake: wrong-activation
suite: dlai
shows in: lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward

The output gate uses tanh, ot = tanh(Wo [a_prev; xt] + bo), instead of a sigmoid (the student
copied the candidate's line), so ot lies in (-1, 1) instead of (0, 1). The student's own backward
assumes a sigmoid gate, so its gradient check fails too.
"""

import numpy as np


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    n_a = a_prev.shape[0]
    concat = np.vstack((a_prev, xt))

    # forget, update, candidate, output
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    ot = np.tanh(parameters["Wo"] @ concat + parameters["bo"])

    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
