"""
mistake: missing-bias
suite: dlai
shows in: lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward

In the LSTM cell the forget gate is computed as sigmoid(Wf [a_prev; xt]) with the bias bf left
out (the other three gates have theirs). The LSTM backwards are right against the suite's cache,
but their gradient check fails: the student's forward ignores bf while the backward returns dbf.
"""

import numpy as np


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    # forget gate
    ft = sigmoid(np.dot(Wf, concat))
    # update gate
    it = sigmoid(np.dot(Wi, concat) + bi)
    # candidate value
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    # output gate
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
