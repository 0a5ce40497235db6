"""
mistake: update-gate-convention
suite: torch
shows in: gru_forward, gru_backward

The student weights the candidate by the update gate, h' = z * n + (1 - z) * h (as some
blog posts write it), where PyTorch's z keeps the old state: h' = (1 - z) * n + z * h.
"""

import numpy as np


def gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, states, steps = h0, [], []
    for t in range(x.shape[0]):
        gi = x[t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h_prev = h
        h = z * n + (1.0 - z) * h
        states.append(h)
        steps.append((h_prev, r, z, n, gh[:, 2 * H:]))
    output = np.stack(states)
    if return_cache:
        return output, h, (x, w_ih, w_hh, steps)
    return output, h
