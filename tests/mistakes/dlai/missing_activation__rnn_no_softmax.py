"""
mistake: missing-activation
suite: dlai
shows in: rnn_cell_forward, rnn_forward

The prediction is returned as raw scores, yt_pred = Wya a_next + by, without the softmax (the
hidden state is right), so yt_pred / y_pred are not probabilities.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]

    a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)
    yt_pred = Wya @ a_next + by

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
