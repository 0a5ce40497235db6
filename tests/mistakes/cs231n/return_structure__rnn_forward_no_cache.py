"""
mistake: return-structure
suite: cs231n
shows in: rnn_forward, rnn_backward

The student returns only the hidden states h from rnn_forward, not the (h, cache) tuple:
unpacking "h, cache" from it fails or splits h itself, and rnn_backward gets no cache.
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    h_t = h0
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t, :], h_t, Wx, Wh, b)
        h[:, t, :] = h_t
    return h
