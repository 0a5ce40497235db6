"""
mistake: gate-order
suite: torch
shows in: lstm_forward, lstm_backward

Porting a TensorFlow LSTM (its kernel packs i, j, f, o: the candidate j second), the engineer
slices PyTorch's packed rows in that order, where PyTorch's are i, f, g, o. The backward (the
base's) packs PyTorch's order, so the gradient check of the own forward fails too.
"""

import numpy as np


def lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, c, states, steps = h0, c0, [], []
    for t in range(x.shape[0]):
        a = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, j, f, o = np.split(a, 4, axis=1)
        i, g, f, o = sigmoid(i), np.tanh(j), sigmoid(f), sigmoid(o)
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
