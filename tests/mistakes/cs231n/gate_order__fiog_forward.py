"""
mistake: gate-order
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The student unpacks the four blocks as f, i, o, g (forget gate first, as in the lecture's
equation for c), swapping the roles of the input and forget gates.
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    f = sigmoid(a[:, 0:H])
    i = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:4 * H])
    next_c = f * prev_c + i * g
    t_c = np.tanh(next_c)
    next_h = o * t_c
    cache = (i, f, o, g, t_c, prev_c, prev_h, Wx, Wh, x)
    return next_h, next_c, cache
