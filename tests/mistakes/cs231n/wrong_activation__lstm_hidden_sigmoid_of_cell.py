"""
mistake: wrong-activation
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The cell state is squashed with the sigmoid helper instead of tanh before the output gate:
next_h = o * sigmoid(next_c).
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = Wh.shape[0]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    z_i = sigmoid(a[:, :H])
    z_f = sigmoid(a[:, H:2 * H])
    z_o = sigmoid(a[:, 2 * H:3 * H])
    z_g = np.tanh(a[:, 3 * H:])
    next_c = z_f * prev_c + z_i * z_g
    z_t = sigmoid(next_c)
    next_h = z_o * z_t
    cache = (z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x)
    return next_h, next_c, cache
