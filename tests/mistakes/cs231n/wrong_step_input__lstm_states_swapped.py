"""
mistake: wrong-step-input
suite: cs231n
shows in: lstm_forward, lstm_backward

The step is called with the states in the wrong order, lstm_step_forward(xt, prev_c, prev_h, ...):
the cell state is fed where the hidden state belongs and the other way round.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h, prev_c = h0, np.zeros_like(h0)
    cache = []
    for t in range(T):
        prev_h, prev_c, step = lstm_step_forward(x[:, t, :], prev_c, prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(step)
    return h, cache

