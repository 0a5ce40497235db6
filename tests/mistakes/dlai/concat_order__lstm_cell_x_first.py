"""
mistake: concat-order
suite: dlai
shows in: lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward

The gate input is stacked as concat = [xt; a_prev] instead of [a_prev; xt], so every gate weight
multiplies the wrong rows (shapes still fit: both have n_a + n_x rows). The student's own
backward splits [a_prev; xt], so its gradient check against this forward fails too.
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

    # Concatenate a_prev and xt
    concat = np.concatenate((xt, a_prev), axis=0)

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = np.multiply(ft, c_prev) + np.multiply(it, cct)
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = np.multiply(ot, np.tanh(c_next))

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
