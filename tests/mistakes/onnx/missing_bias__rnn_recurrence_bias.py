"""
mistake: missing-bias
suite: onnx
shows in: rnn

The kernel adds the input bias Wb (the first half of B) and ignores the recurrence bias Rb.
"""

import numpy as np


def rnn(X, W, R, B, initial_h):
    H = R.shape[-1]
    h, states = initial_h[0], []
    for t in range(X.shape[0]):
        h = np.tanh(X[t] @ W[0].T + h @ R[0].T + B[0, :H])
        states.append(h)
    return np.stack(states)[:, None], h[None]
