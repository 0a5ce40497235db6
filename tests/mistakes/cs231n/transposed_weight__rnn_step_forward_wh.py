"""
mistake: transposed-weight
suite: cs231n
shows in: rnn_step_forward, rnn_forward, rnn_step_backward, rnn_backward

Used to the W h convention of the lecture notes, the student writes the recurrent term as
prev_h Wh^T (np.dot(Wh, prev_h.T).T): the (H, H) shapes fit, but it uses Wh transposed.
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    hidden_term = np.dot(Wh, prev_h.T).T
    input_term = np.dot(x, Wx)
    next_h = np.tanh(hidden_term + input_term + b)
    cache = (x, prev_h, Wh, Wx, b, next_h)
    return next_h, cache
