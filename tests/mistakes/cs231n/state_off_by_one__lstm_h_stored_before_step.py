"""
mistake: state-off-by-one
suite: cs231n
shows in: lstm_forward, lstm_backward

h[:, t, :] is written before the step runs, so it holds the previous hidden state (h0 at t = 0)
and the last step's output is never stored.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = {}
    prev_h, prev_c = h0, np.zeros((N, H))
    for t in range(T):
        h[:, t, :] = prev_h
        prev_h, prev_c, cache[t] = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
    return h, cache
