"""
mistake: wrong-activation
suite: cs231n
shows in: rnn_step_forward, rnn_forward, rnn_step_backward, rnn_backward

A ReLU hidden state, next_h = max(0, a), where the vanilla RNN uses tanh (the backward is the
right one for tanh: 1 - next_h**2).
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.maximum(x @ Wx + prev_h @ Wh + b, 0)
    return next_h, (x, prev_h, Wh, Wx, b, next_h)
