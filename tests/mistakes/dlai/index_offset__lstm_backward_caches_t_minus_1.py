"""
mistake: index-offset
suite: dlai
shows in: lstm_backward

The backward pairs the upstream gradient of step t with caches[t - 1] ("the cache of the previous
step"), so every cell backward runs on the wrong step's values and t = 0 wraps round to the last
cache.
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

    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t - 1])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        for name in grads:
            grads[name] += gradients[name]

    gradients = {"dx": dx, "da0": da_prevt, **grads}
    return gradients
