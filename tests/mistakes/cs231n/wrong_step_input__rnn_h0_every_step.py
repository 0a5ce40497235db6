"""
mistake: wrong-step-input
suite: cs231n
shows in: rnn_forward, rnn_backward

Every step is fed h0 as its previous hidden state (the loop never moves the new state into the
variable it passes on), so h[:, t] depends only on x[:, t] and h0.
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    (H,) = b.shape
    h = np.zeros((N, T, H))
    for t in range(T):
        next_h, _ = rnn_step_forward(x[:, t, :], h0, Wx, Wh, b)
        h[:, t, :] = next_h
    cache = (x, h0, Wh, Wx, b, h)
    return h, cache
