"""
mistake: missing-bias
suite: torch
shows in: rnn_forward, rnn_backward

Used to a single bias per layer, the student adds b_ih and forgets b_hh.
"""

import numpy as np


def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    h, states = h0, []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ w_ih.T + b_ih + h @ w_hh.T)
        states.append(h)
    output = np.stack(states)
    if return_cache:
        return output, h, (x, h0, w_ih, w_hh, output)
    return output, h
