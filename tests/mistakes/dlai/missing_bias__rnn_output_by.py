"""
mistake: missing-bias
suite: dlai
shows in: rnn_cell_forward, rnn_forward

The prediction is softmax(Wya a_next) without the output bias by (the hidden state keeps its ba),
so every yt_pred / y_pred is wrong while the hidden states are right.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]

    z = Wax @ xt + Waa @ a_prev + ba
    a_next = np.tanh(z)
    yt_pred = softmax(Wya @ a_next)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
