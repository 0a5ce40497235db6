"""
mistake: missing-bias
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The four gate pre-activations are computed as x Wx + prev_h Wh without adding b.
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    acts = x @ Wx + prev_h @ Wh
    i = sigmoid(acts[:, 0:H])
    f = sigmoid(acts[:, H:2 * H])
    o = sigmoid(acts[:, 2 * H:3 * H])
    g = np.tanh(acts[:, 3 * H:4 * H])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (i, f, o, g, tanh_c, prev_c, prev_h, Wx, Wh, x)
    return next_h, next_c, cache
