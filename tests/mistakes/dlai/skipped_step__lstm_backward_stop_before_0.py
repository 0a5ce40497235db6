"""
mistake: skipped-step
suite: dlai
shows in: lstm_backward

The backward loop is range(T_x - 1, 0, -1): the stop value 0 is exclusive, so the first time step
is skipped (dx[:, :, 0] is zero, its gate gradients are missing, da0 is the gradient into a<1>).
"""

import numpy as np


def lstm_backward(da, caches):
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]

    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    grads = {name: np.zeros((n_a, n_a + n_x)) for name in ("dWf", "dWi", "dWc", "dWo")}
    grads.update({name: np.zeros((n_a, 1)) for name in ("dbf", "dbi", "dbc", "dbo")})

    for t in range(T_x - 1, 0, -1):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = step["dxt"]
        da_prevt = step["da_prev"]
        dc_prevt = step["dc_prev"]
        for name in grads:
            grads[name] += step[name]

    return {"dx": dx, "da0": da_prevt, **grads}
