"""
mistake: recurrent-weight-gradient
suite: dlai
shows in: rnn_cell_backward, rnn_backward

Written in seed 000's own naming (U, W, hidden state s; returns dx_t, ds_prev, dU, dW, dba). The
gradient of the recurrent weight W is taken against the cell's own output, dW = dtanh . s_next^T,
instead of the state it multiplied, s_prev.
"""

import numpy as np


def rnn_cell_backward(ds_next, cache):
    """
    ds_next: gradient of s_next, (n_a, m)
    cache: this cell's cache
    return: this cell's gradients dx_t, ds_prev, dU, dW, dba
    """
    (s_next, s_prev, x_t, parameters) = cache
    U = parameters["U"]
    W = parameters["W"]

    # 1. through the tanh
    dtanh = (1 - s_next ** 2) * ds_next

    # 2. gradient of U
    dU = np.dot(dtanh, x_t.T)

    # 3. gradient of W
    dW = np.dot(dtanh, s_next.T)

    # 4. gradient of b_a (keep its (n_a, 1) shape)
    dba = np.sum(dtanh, axis=1, keepdims=True)

    # 5. gradient of x_t
    dx_t = np.dot(U.T, dtanh)

    # 6. gradient of s_prev
    ds_prev = np.dot(W.T, dtanh)

    gradients = {"dU": dU, "dW": dW, "dba": dba, "dx_t": dx_t, "ds_prev": ds_prev}
    return gradients
