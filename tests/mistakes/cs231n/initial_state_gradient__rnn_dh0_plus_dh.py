"""
mistake: initial-state-gradient
suite: cs231n
shows in: rnn_backward

The student adds the upstream gradient of the first step once more to dh0,
dh0 = dprev_h + dh[:, 0, :], as if h0 were also an output of the sequence.
"""

import numpy as np


def rnn_backward(dh, cache):
    x, h0, Wh, Wx, b, h = cache
    N, T, H = dh.shape
    D = x.shape[2]
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    grad_h = np.zeros((N, H))
    for t in reversed(range(T)):
        h_before = h[:, t - 1, :] if t > 0 else h0
        dx[:, t, :], grad_h, dWx_t, dWh_t, db_t = rnn_step_backward(
            dh[:, t, :] + grad_h, (x[:, t, :], h_before, Wh, Wx, b, h[:, t, :]))
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = grad_h + dh[:, 0, :]
    return dx, dh0, dWx, dWh, db
