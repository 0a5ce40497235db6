"""
mistake: weights-vs-gradients
suite: cs231n
shows in: rnn_step_backward, rnn_backward

After computing dWx the student back-propagates to the input with it, dx = da dWx^T, using the
weight's gradient where the weight Wx belongs (the shapes match).
"""

import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h * next_h)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    dx = da.dot(dWx.T)
    dprev_h = da.dot(Wh.T)
    return dx, dprev_h, dWx, dWh, db
