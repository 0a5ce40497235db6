"""
mistake: wrong-activation
suite: cs231n
shows in: lstm_step_forward, lstm_forward, lstm_step_backward, lstm_backward

The student applies sigmoid to the first two blocks (i, f) and tanh to the last two (o, g): the
output gate o goes through tanh instead of sigmoid.
"""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    ifo_sig = sigmoid(a[:, :2 * H])
    og_tanh = np.tanh(a[:, 2 * H:])
    i, f = ifo_sig[:, :H], ifo_sig[:, H:]
    o, g = og_tanh[:, :H], og_tanh[:, H:]
    next_c = f * prev_c + i * g
    tc = np.tanh(next_c)
    next_h = o * tc
    cache = (i, f, o, g, tc, prev_c, prev_h, Wx, Wh, x)
    return next_h, next_c, cache
