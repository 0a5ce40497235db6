"""A correct NumPy implementation of the onnx suite: the ONNX RNN, LSTM and GRU operators
(default attributes, num_directions = 1) as the operator documentation states them,
written independently of the oracle. The base of the corpus of mistakes (tests/mistakes/onnx/).
"""

import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def rnn(X, W, R, B, initial_h):
    H = R.shape[-1]
    Wb, Rb = B[0, :H], B[0, H:]
    h, states = initial_h[0], []
    for t in range(X.shape[0]):
        h = np.tanh(X[t] @ W[0].T + h @ R[0].T + Wb + Rb)
        states.append(h)
    return np.stack(states)[:, None], h[None]


def lstm(X, W, R, B, initial_h, initial_c):
    H = R.shape[-1]
    bias = B[0, :4 * H] + B[0, 4 * H:]
    h, c, states = initial_h[0], initial_c[0], []
    for t in range(X.shape[0]):
        a = X[t] @ W[0].T + h @ R[0].T + bias
        i, o, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
        c = f * c + i * np.tanh(a[:, 3 * H:])
        h = o * np.tanh(c)
        states.append(h)
    return np.stack(states)[:, None], h[None], c[None]


def _gru(X, W, R, B, initial_h, linear_before_reset):
    H = R.shape[-1]
    Wb, Rb = B[0, :3 * H], B[0, 3 * H:]
    Rz, Rr, Rh = R[0, :H], R[0, H:2 * H], R[0, 2 * H:]
    h, states = initial_h[0], []
    for t in range(X.shape[0]):
        gx = X[t] @ W[0].T + Wb
        z = sigmoid(gx[:, :H] + h @ Rz.T + Rb[:H])
        r = sigmoid(gx[:, H:2 * H] + h @ Rr.T + Rb[H:2 * H])
        if linear_before_reset:
            candidate = np.tanh(gx[:, 2 * H:] + r * (h @ Rh.T + Rb[2 * H:]))
        else:
            candidate = np.tanh(gx[:, 2 * H:] + (r * h) @ Rh.T + Rb[2 * H:])
        h = (1.0 - z) * candidate + z * h
        states.append(h)
    return np.stack(states)[:, None], h[None]


def gru(X, W, R, B, initial_h):
    return _gru(X, W, R, B, initial_h, linear_before_reset=False)


def gru_linear_before_reset(X, W, R, B, initial_h):
    return _gru(X, W, R, B, initial_h, linear_before_reset=True)
