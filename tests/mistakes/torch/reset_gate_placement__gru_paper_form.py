"""
mistake: reset-gate-placement
suite: torch
shows in: gru_forward, gru_backward

Following the original GRU paper, the student resets the state before the hidden matmul,
n = tanh(x W_in^T + b_in + (r * h) W_hn^T + b_hn), where PyTorch applies the reset gate
after it, r * (h W_hn^T + b_hn).
"""

import numpy as np


def gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, states, steps = h0, [], []
    for t in range(x.shape[0]):
        gi = x[t] @ w_ih.T + b_ih
        gh = h @ w_hh[:2 * H].T + b_hh[:2 * H]
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:])
        hidden_n = (r * h) @ w_hh[2 * H:].T + b_hh[2 * H:]
        n = np.tanh(gi[:, 2 * H:] + hidden_n)
        h_prev = h
        h = (1.0 - z) * n + z * h
        states.append(h)
        steps.append((h_prev, r, z, n, hidden_n))
    output = np.stack(states)
    if return_cache:
        return output, h, (x, w_ih, w_hh, steps)
    return output, h
