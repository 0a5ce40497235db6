"""
mistake: update-gate-convention
suite: onnx
shows in: gru, gru_linear_before_reset

The kernel blends with the update gate the other way round, H_t = z * h~ + (1 - z) * H_{t-1},
where ONNX keeps the old state with z: H_t = (1 - z) * h~ + z * H_{t-1}.
"""

import numpy as np


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
        h = z * candidate + (1.0 - z) * h
        states.append(h)
    return np.stack(states)[:, None], h[None]
