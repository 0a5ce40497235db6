"""
mistake: missing-activation
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The block-input (candidate) gate g is taken straight from the last H columns of the
pre-activation, without its tanh; the three sigmoid gates are right.
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    act = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    ai, af, ao, ag = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
    i = sigmoid(ai)
    f = sigmoid(af)
    o = sigmoid(ao)
    g = ag
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (i, f, o, g, np.tanh(next_c), prev_c, prev_h, Wx, Wh, x)
    return next_h, next_c, cache
