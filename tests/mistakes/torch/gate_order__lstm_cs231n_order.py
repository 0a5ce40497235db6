"""
mistake: gate-order
suite: torch
shows in: lstm_forward, lstm_backward

Ported from a cs231n solution, the student keeps cs231n's slicing i, f, o, g of the packed
pre-activations, where PyTorch's rows are i, f, g, o: the third block is used as the output
gate and the fourth as the candidate. Their backward (the base's) packs the gate gradients
in PyTorch's order, so it no longer matches this forward either.
"""

import numpy as np


def lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, c, states, steps = h0, c0, [], []
    for t in range(x.shape[0]):
        a = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, f, o, g = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
        h_prev, c_prev = h, c
        c = f * c + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        states.append(h)
        steps.append((h_prev, c_prev, i, f, g, o, tanh_c))
    output = np.stack(states)
    if return_cache:
        return output, h, c, (x, w_ih, w_hh, steps)
    return output, h, c
