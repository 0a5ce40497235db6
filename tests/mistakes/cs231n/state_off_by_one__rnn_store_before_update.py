"""
mistake: state-off-by-one
suite: cs231n
shows in: rnn_forward, rnn_backward

Inside the loop the student stores h[:, t] = prev_h before computing the step, so h holds
h0, h_1, ..., h_{T-1}: every stored state is the one before the right one.
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    (H,) = b.shape
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        xt = x[:, t, :]
        h[:, t, :] = prev_h
        next_h, _ = rnn_step_forward(xt, prev_h, Wx, Wh, b)
        prev_h = next_h
    cache = (x, h0, Wh, Wx, b, h)
    return h, cache
