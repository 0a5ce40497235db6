"""
mistake: wrong-activation
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

The hidden state computed with a ReLU, np.maximum(0, z), where the notebook's RNN uses tanh.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    z = parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"]
    a_next = np.maximum(0, z)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
