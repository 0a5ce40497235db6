"""
mistake: wrong-activation
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The student applied sigmoid to the whole (N, 4H) activation block and then took tanh of the g
slice of that: g = tanh(sigmoid(a_g)) instead of tanh(a_g). The backward is consistent with it
being tanh(a_g) (the usual 1 - g**2), so the gradient check fails too.
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = sigmoid(x @ Wx + prev_h @ Wh + b)
    i, f, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H]
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    t = np.tanh(next_c)
    next_h = o * t
    return next_h, next_c, (i, f, o, g, t, prev_c, prev_h, Wx, Wh, x)
