"""
mistake: gate-order
suite: onnx
shows in: lstm

Coming from the deeplearning.ai notebook (forget, update, candidate, output), the engineer
reads ONNX's stacked LSTM weights as f, i, c, o, where ONNX stacks them i, o, f, c.
"""

import numpy as np


def lstm(X, W, R, B, initial_h, initial_c):
    H = R.shape[-1]
    bias = B[0, :4 * H] + B[0, 4 * H:]
    h, c, states = initial_h[0], initial_c[0], []
    for t in range(X.shape[0]):
        a = X[t] @ W[0].T + h @ R[0].T + bias
        f, i = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
        cc, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c = f * c + i * cc
        h = o * np.tanh(c)
        states.append(h)
    return np.stack(states)[:, None], h[None], c[None]
