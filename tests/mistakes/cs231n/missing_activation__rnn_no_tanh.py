"""
mistake: missing-activation
suite: cs231n
shows in: rnn_step_forward, rnn_forward, rnn_step_backward, rnn_backward

The step returns the affine pre-activation x Wx + prev_h Wh + b as next_h, forgetting the tanh,
so the RNN is linear.
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = x.dot(Wx) + prev_h.dot(Wh) + b
    cache = (x, prev_h, Wh, Wx, b, next_h)
    return next_h, cache
