"""
mistake: state-off-by-one
suite: cs231n
shows in: lstm_forward, lstm_backward

The student collects the hidden states in a list that starts with h0 and appends each new one,
then stacks the first T entries: the result is h0, h_1, ..., h_{T-1}, shifted by one step.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    states = [h0]
    caches = {}
    c = np.zeros_like(h0)
    for t in range(T):
        h_new, c, caches[t] = lstm_step_forward(x[:, t, :], states[-1], c, Wx, Wh, b)
        states.append(h_new)
    h = np.stack(states[:T], axis=1)
    return h, caches
