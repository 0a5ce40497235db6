"""
mistake: softmax-axis
suite: dlai
shows in: lstm_cell_forward, lstm_forward

The student did not call softmax() in the LSTM cell but wrote it inline for the prediction, and
summed the exponentials along axis 1 (over the batch) instead of axis 0 (over the classes), so each
column of yt_pred no longer sums to 1. The shared softmax() itself is right.
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

    n_x, m = xt.shape
    n_y, n_a = Wy.shape

    concat = np.zeros((n_a + n_x, m))
    concat[: n_a, :] = a_prev
    concat[n_a :, :] = xt

    ft = sigmoid(Wf @ concat + bf)
    it = sigmoid(Wi @ concat + bi)
    cct = np.tanh(Wc @ concat + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)

    z = Wy @ a_next + by
    z = np.exp(z - z.max(axis=0, keepdims=True))
    yt_pred = z / np.sum(z, axis=1, keepdims=True)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
