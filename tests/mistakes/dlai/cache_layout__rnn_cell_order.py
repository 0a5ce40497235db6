"""
mistake: cache-layout
suite: dlai
shows in: rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward

The cell stores its cache as (xt, a_prev, a_next, parameters), inputs first, instead of the
prescribed (a_next, a_prev, xt, parameters); rnn_forward collects these cell caches, so its
caches are off too. The values a_next / yt_pred are right (the suite does not compare dlai
caches today), but the student's own backwards unpack the cache in the prescribed order, so their
gradient checks fail.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    # inputs first, then the output
    cache = (xt, a_prev, a_next, parameters)
    return a_next, yt_pred, cache
