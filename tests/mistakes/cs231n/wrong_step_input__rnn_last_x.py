"""
mistake: wrong-step-input
suite: cs231n
shows in: rnn_forward, rnn_backward

The student indexes the input with x[:, -1, :] inside the loop (copied from a "last time step"
snippet), so every step is fed the last input of the sequence.
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = Wh.shape[0]
    h = np.zeros((N, T, H))
    h_prev = h0
    for t in range(T):
        h_prev, _ = rnn_step_forward(x[:, -1, :], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
    cache = (x, h0, Wh, Wx, b, h)
    return h, cache
