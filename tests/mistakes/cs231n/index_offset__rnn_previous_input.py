"""
mistake: index-offset
suite: cs231n
shows in: rnn_forward, rnn_backward

Inside the time loop the student reads the input at x[:, t - 1, :] (thinking of step t as the
t-th element, 1-based), so step t is fed the previous input and step 0 wraps around to the last
one.
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h, _ = rnn_step_forward(x[:, t - 1, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
    cache = (x, h0, Wh, Wx, b, h)
    return h, cache
