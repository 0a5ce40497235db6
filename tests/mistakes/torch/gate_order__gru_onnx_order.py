"""
mistake: gate-order
suite: torch
shows in: gru_forward, gru_backward

Reading ONNX's GRU documentation, the student takes the first row block as the update gate
z and the second as the reset gate r (ONNX's z, r, h), where PyTorch's rows are r, z, n.
"""

import numpy as np


def gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, states, steps = h0, [], []
    for t in range(x.shape[0]):
        gi = x[t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        z = sigmoid(gi[:, :H] + gh[:, :H])
        r = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h_prev = h
        h = (1.0 - z) * n + z * h
        states.append(h)
        steps.append((h_prev, r, z, n, gh[:, 2 * H:]))
    output = np.stack(states)
    if return_cache:
        return output, h, (x, w_ih, w_hh, steps)
    return output, h
