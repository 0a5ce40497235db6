"""
mistake: state-not-carried
suite: cs231n
shows in: lstm_forward, lstm_backward

The hidden state is carried from step to step but the cell state is not: the loop passes the
initial zero cell state to every step and throws next_c away.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = b.shape[0] // 4
    h = np.zeros((N, T, H))
    cache = {}
    prev_h = h0
    prev_c = np.zeros((N, H))
    for t in range(T):
        xt = x[:, t, :]
        next_h, next_c, cache[t] = lstm_step_forward(xt, prev_h, prev_c, Wx, Wh, b)
        prev_h = next_h
        h[:, t, :] = prev_h
    return h, cache
