"""Seed 000 (a Chinese-language RNN notebook that names things its own way), with its math
made CORRECT but its naming kept. Suite: ``dlai``, tested through the spec's alias tables.

Names kept from the seed:

- parameters dict keys ``U`` (= Wax), ``W`` (= Waa), ``V`` (= Wya), ``b_a`` (= ba), ``b_y`` (= by);
- hidden state ``s`` for ``a``: arguments ``x_t, s_prev`` / ``x, s0``, ``ds_next`` / ``ds``;
- ``rnn_cell_backward`` returns {dx_t, ds_prev, dU, dW, dba}; ``rnn_backward`` returns
  {dx, ds0, dU, dW, dba} (the seed's own spelling ``dba``, not ``db_a``).

Seed bugs fixed here (everything else is as the seed wrote it):

- softmax used the global max and a global sum (``e_x / e_x.sum()``): now column-wise, stable;
- rnn_forward read ``x[:, :, T]`` (always one past the end) instead of ``x[:, :, t]``, and
  hard-wired a batch of 1 in ``s``/``y``; it now returns ``(caches, x)`` like the dlai suite;
- rnn_cell_forward cached ``(s_next, s_prev, x_t, U, V, W, out_pred)`` while its backward
  unpacked ``(s_next, s_prev, x_t, parameters)``: the cache is now the latter (the dlai layout,
  same positions, so an oracle-built cache unpacks);
- rnn_cell_backward used undefined globals ``U``/``W``: now read from the cached parameters
  (so the cached dict must carry seed-000 keys ``U``, ``W``); the extra ``dtanh`` key the seed
  returned is dropped;
- rnn_backward read ``cache[0]`` (undefined), hard-wired a batch of 1, returned from inside the
  loop (after the last step only), and never returned ``ds0``: all fixed.

Present: softmax, rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward.
Missing (seed 000 has no sigmoid and no LSTM): sigmoid, lstm_cell_forward, lstm_forward,
lstm_cell_backward, lstm_backward. Every present function is expected to pass every case.
"""

import numpy as np

EXPECTED_FAILING = set()
EXPECTED_MISSING = {"sigmoid", "lstm_cell_forward", "lstm_forward",
                    "lstm_cell_backward", "lstm_backward"}


def softmax(x):
    # column-wise: each column is one example
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def rnn_cell_forward(x_t, s_prev, parameters):
    """
    x_t: input at time t, (n_x, m)
    s_prev: hidden state of the previous cell, (n_a, m)
    parameters: the cell's parameters U, W, V, b_a, b_y
    return: hidden state s_next, this step's output out_pred, cache
    """

    # parameters
    U = parameters["U"]
    W = parameters["W"]
    V = parameters["V"]
    b_a = parameters["b_a"]
    b_y = parameters["b_y"]

    # hidden state
    s_next = np.tanh(np.dot(U, x_t) + np.dot(W, s_prev) + b_a)

    # the cell's output
    out_pred = softmax(np.dot(V, s_next) + b_y)

    # keep what the backward pass needs
    cache = (s_next, s_prev, x_t, parameters)

    return s_next, out_pred, cache


def rnn_forward(x, s0, parameters):
    """
    x: input sequence, (n_x, m, T), T the sequence length
    s0: initial state, (n_a, m)
    parameters: parameters shared by all cells, U, W, V, b_a, b_y
    return: s (n_a, m, T), y (n_y, m, T), caches (list of caches, x)
    """
    caches = []

    # sequence length (number of time steps)
    n_x, m, T = x.shape

    # output size and hidden size
    n_y, n_a = parameters["V"].shape

    # s0 goes into the first cell
    s_next = s0

    # s and y keep every cell's hidden state and output
    s = np.zeros((n_a, m, T))
    y = np.zeros((n_y, m, T))

    # forward through every cell
    for t in range(T):
        s_next, out_pred, cache = rnn_cell_forward(x[:, :, t], s_next, parameters)
        s[:, :, t] = s_next
        y[:, :, t] = out_pred
        caches.append(cache)

    return s, y, (caches, x)


def rnn_cell_backward(ds_next, cache):
    """
    ds_next: gradient of s_next, (n_a, m)
    cache: this cell's cache
    return: this cell's gradients dx_t, ds_prev, dU, dW, dba
    """

    # values and parameters from the cache
    (s_next, s_prev, x_t, parameters) = cache
    U = parameters["U"]
    W = parameters["W"]

    # 1. through the tanh
    dtanh = (1 - s_next ** 2) * ds_next

    # 2. gradient of U
    dU = np.dot(dtanh, x_t.T)

    # 3. gradient of W
    dW = np.dot(dtanh, s_prev.T)

    # 4. gradient of b_a (keep its (n_a, 1) shape)
    dba = np.sum(dtanh, axis=1, keepdims=True)

    # 5. gradient of x_t
    dx_t = np.dot(U.T, dtanh)

    # 6. gradient of s_prev
    ds_prev = np.dot(W.T, dtanh)

    gradients = {"dU": dU, "dW": dW, "dba": dba, "dx_t": dx_t, "ds_prev": ds_prev}

    return gradients


def rnn_backward(ds, caches):
    """
    ds: gradient of the loss w.r.t. s at every time step, (n_a, m, T)
    caches: (list of cell caches, x)
    return: dx (n_x, m, T), ds0 (n_a, m), dU, dW, dba
    """

    cell_caches, x = caches
    (s1, s0, x_1, parameters) = cell_caches[0]

    # total sequence length
    n_a, m, T = ds.shape
    n_x, _ = x_1.shape

    # gradients of the shared parameters, summed over time
    dU = np.zeros((n_a, n_x))
    dW = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))

    # the part of ds that flows back from the next cell
    ds_prevt = np.zeros((n_a, m))

    dx = np.zeros((n_x, m, T))

    # from the last step back to the first
    for t in reversed(range(T)):
        gradients = rnn_cell_backward(ds[:, :, t] + ds_prevt, cell_caches[t])
        ds_prevt = gradients["ds_prev"]
        dU += gradients["dU"]
        dW += gradients["dW"]
        dba += gradients["dba"]
        dx[:, :, t] = gradients["dx_t"]

    return {"dx": dx, "ds0": ds_prevt, "dU": dU, "dW": dW, "dba": dba}
