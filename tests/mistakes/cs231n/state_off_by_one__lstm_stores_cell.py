"""
mistake: state-off-by-one
suite: cs231n
shows in: lstm_forward, lstm_backward

The step returns (next_h, next_c, cache) and the student stores the wrong one: h[:, t] gets the
cell state next_c instead of the hidden state next_h.
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
        next_h, next_c, cache[t] = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = next_c
        prev_h, prev_c = next_h, next_c
    return h, cache
