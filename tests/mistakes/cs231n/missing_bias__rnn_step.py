"""
mistake: missing-bias
suite: cs231n
shows in: rnn_step_forward, rnn_forward, rnn_step_backward, rnn_backward

The pre-activation is written prev_h Wh + x Wx with the bias b left out, so every hidden state
is off by the missing shift (and the backwards, fed this forward's cache, differ too).
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = prev_h.dot(Wh) + x.dot(Wx)
    next_h = np.tanh(a)
    cache = (x, prev_h, Wh, Wx, b, next_h)
    return next_h, cache
