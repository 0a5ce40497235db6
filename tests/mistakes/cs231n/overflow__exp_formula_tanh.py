"""
mistake: overflow
suite: cs231n
shows in: rnn_step_forward, rnn_forward, rnn_step_backward, rnn_backward

The student writes tanh out from its definition, (e^a - e^-a) / (e^a + e^-a). For a
pre-activation beyond ~710 exp overflows, inf / inf = nan, so large inputs give nan hidden
states (and the backward, which reads next_h from the cache, gets nan too).
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = prev_h.dot(Wh) + x.dot(Wx) + b
    next_h = (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))
    cache = (x, prev_h, Wh, Wx, b, next_h)
    return next_h, cache
