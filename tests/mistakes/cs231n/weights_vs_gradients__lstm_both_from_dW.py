"""
mistake: weights-vs-gradients
suite: cs231n
shows in: lstm_step_backward, lstm_backward

Both dx and dprev_h from the weight gradients computed just above: da . dWx^T and da . dWh^T.
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, tc, prev_c, prev_h, Wx, Wh, x = cache
    dc = dnext_c + dnext_h * o * (1 - tc * tc)
    da = np.concatenate((dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - g * g)), axis=1)
    dWx, dWh, db = x.T @ da, prev_h.T @ da, da.sum(axis=0)
    return da @ dWx.T, da @ dWh.T, dc * f, dWx, dWh, db
