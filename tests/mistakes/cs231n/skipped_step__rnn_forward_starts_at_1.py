"""
mistake: skipped-step
suite: cs231n
shows in: rnn_forward, rnn_backward

The forward loop is written for t in range(1, T), reading the previous state from h[:, t - 1],
so step 0 is never computed: h[:, 0] stays zero and every later state is built on it instead
of on h0.
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    for t in range(1, T):
        h[:, t, :], _ = rnn_step_forward(x[:, t, :], h[:, t - 1, :], Wx, Wh, b)
    cache = (x, h0, Wh, Wx, b, h)
    return h, cache
