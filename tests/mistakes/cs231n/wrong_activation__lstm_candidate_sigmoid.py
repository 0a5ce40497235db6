"""
mistake: wrong-activation
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

All four gates are passed through sigmoid in one call, including the candidate g, which should
use tanh: g ends up in (0, 1) instead of (-1, 1).
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = Wh.shape[0]
    gates = sigmoid(x.dot(Wx) + prev_h.dot(Wh) + b)
    z_i = gates[:, :H]
    z_f = gates[:, H:2 * H]
    z_o = gates[:, 2 * H:3 * H]
    z_g = gates[:, 3 * H:]
    next_c = z_f * prev_c + z_i * z_g
    z_t = np.tanh(next_c)
    next_h = z_o * z_t
    cache = (z_i, z_f, z_o, z_g, z_t, prev_c, prev_h, Wx, Wh, x)
    return next_h, next_c, cache
