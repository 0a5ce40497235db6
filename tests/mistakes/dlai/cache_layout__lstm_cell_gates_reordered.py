"""
mistake: cache-layout
suite: dlai
shows in: lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward

The LSTM cell caches its gates in the order it computed them,
(a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters), swapping ft and it against the
prescribed (..., ft, it, cct, ot, ...). The forward values are right (the suite does not compare
dlai caches today), but the student's own backwards unpack the prescribed order, so their
gradient checks fail.
"""

import numpy as np


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]

    concat = np.vstack([a_prev, xt])

    it = sigmoid(Wi @ concat + bi)
    ft = sigmoid(Wf @ concat + bf)
    cct = np.tanh(Wc @ concat + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(Wy @ a_next + by)

    cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
