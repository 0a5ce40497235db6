"""Bob's submission: seed 004 of the project (a Chinese-language copy of the dlai notebook),
bugs included. The seed's own description follows.

Seed 004 (a Chinese-language copy of the dlai "Building your RNN step by step" notebook),
transcribed faithfully, bugs included. Suite: ``dlai``. Comments translated to short English.

Present: softmax, rnn_cell_forward, rnn_forward, sigmoid, lstm_cell_forward, lstm_forward,
rnn_cell_backward, rnn_backward.
Missing (the seed has no LSTM backward): lstm_cell_backward, lstm_backward.

Real bugs kept from the seed:

- ``softmax`` shifts by ``np.max(x)``, the max of the WHOLE array, not of each column (it does
  sum per column, so it is right for moderate scores). A column whose scores all sit ~1000
  below the global max underflows to all zeros and becomes 0/0 = nan (RuntimeWarning
  "invalid value encountered in divide"). Fails ``columns_differ_by_1000`` and ``large_logits``.
- The four forwards are right except that their prediction goes through that softmax: on the
  ``large_logits`` case (output weights scaled by 1000) ``yt_pred`` / ``y_pred`` / ``y`` get
  nan columns. Hidden/cell states (a, c) are right. So ``rnn_cell_forward``, ``rnn_forward``,
  ``lstm_cell_forward``, ``lstm_forward`` each fail exactly ``large_logits`` (checked: with
  the oracle's softmax swapped in they pass every case).
- ``rnn_cell_backward`` computes ``dWaa = dtanh . da_prev^T`` instead of ``dtanh . a_prev^T``
  (this is what produced the seed's printed ``dWaa[1][2] = 1.0470184237718851``; the spec's
  published value is 1.15034506685). Only dWaa is wrong. Fails every case except
  ``large_logits``, where tanh saturates so dtanh == 0 exactly and both formulas give 0.
- ``rnn_backward`` is itself correct, but it calls this module's ``rnn_cell_backward``, so its
  dWaa is wrong on every case (large_logits included: there the saturation is not total).

``sigmoid`` is the naive ``1/(1+exp(-x))``: right values on every case, but it emits an overflow
RuntimeWarning for large negative inputs (cases ``large_magnitude``, ``plus_minus_1000``; also
inside lstm_cell_forward / lstm_forward on ``large_logits``). The harness ignores warnings (values
decide verdicts), so it PASSES.
"""

import numpy as np


# define the softmax function
def softmax(x):
    '''
    softmax activation, adds non-linearity
    each column is one example
    Arguments:
        x: the class scores
    Returns:
    '''
    exp_x = np.exp(x - np.max(x))
    return exp_x / exp_x.sum(axis=0)


def rnn_cell_forward(xt, a_prev, parameters):
    '''
    One forward step of an RNN cell.
    Arguments:
        xt: input at time t, numpy.array (n_x, m)
        a_prev: hidden state at t-1, numpy.array (n_a, m)
        parameters: python dict with:
            Wax: weights on the input, (n_a, n_x)
            Waa: weights on the hidden state, (n_a, n_a)
            Wya: hidden-to-output weights, (n_y, n_a)
            ba: bias, (n_a, 1)
            by: hidden-to-output bias, (n_y, 1)
    Returns:
        a_next: next hidden state, (n_a, m)
        yt_pred: prediction at time t, (n_y, m)
        cache: tuple for the backward pass, (a_next, a_prev, xt, parameters)
    '''
    # get the parameters
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    # next hidden state
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)
    # output
    yt_pred = softmax(np.dot(Wya, a_next) + by)
    # store what the backward pass needs
    cache = (a_next, a_prev, xt, parameters)

    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    '''
    RNN forward pass over all time steps.
    Arguments:
        x: input for every time step, (n_x, m, T_x)
        a0: initial hidden state, (n_a, m)
        parameters: python dict with Wax, Waa, Wya, ba, by (as above)
    Returns:
        a: hidden state for every time step, (n_a, m, T_x)
        y_pred: prediction for every time step, (n_y, m, T_x)
        caches: tuple for the backward pass, (list of caches, x)
    '''
    # initialise caches
    caches = []

    # dimensions of x and Wya
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    # initialise a and y
    a = np.zeros([n_a, m, T_x])
    y_pred = np.zeros([n_y, m, T_x])

    # initialise a_next
    a_next = a0

    # loop over all time steps
    for t in range(T_x):
        # call rnn_cell_forward for a_next, yt_pred, cache
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        # save a_next into a
        a[:, :, t] = a_next
        # save yt_pred into y
        y_pred[:, :, t] = yt_pred
        # add cache to caches
        caches.append(cache)

    # everything the backward pass needs
    caches = (caches, x)

    return a, y_pred, caches


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    '''
    One forward step of an LSTM cell.
    Arguments:
        xt: input at time t, (n_x, m)
        a_prev: hidden state at t-1, (n_a, m)
        c_prev: memory (cell) state at t-1, (n_a, m)
        parameters: python dict with:
            Wf, bf: forget gate, (n_a, n_a+n_x), (n_a, 1)
            Wi, bi: update gate, (n_a, n_a+n_x), (n_a, 1)
            Wc, bc: first tanh, (n_a, n_a+n_x), (n_a, 1)
            Wo, bo: output gate, (n_a, n_a+n_x), (n_a, 1)
            Wy, by: hidden-to-output, (n_y, n_a), (n_y, 1)
    Returns:
        a_next: next hidden state, (n_a, m)
        c_next: next memory state, (n_a, m)
        yt_pred: output at time t, (n_y, m)
        cache: tuple for the backward pass
    '''
    # get the weights
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    # dimensions from xt and Wy
    n_x, m = xt.shape
    n_y, n_a = Wy.shape

    # stack a_prev and xt
    concat = np.zeros([n_a + n_x, m])
    concat[:n_a, :] = a_prev
    concat[n_a:, :] = xt
    # concat = np.concatenate(a_prev,xt)

    # forget gate
    ft = sigmoid(np.dot(Wf, concat) + bf)
    # update gate
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    # output gate
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)

    # output of the LSTM cell
    yt_pred = softmax(np.dot(Wy, a_next) + by)

    # store what the backward pass needs
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters):
    '''
    LSTM forward pass.
    Arguments:
        x: input for every time step, (n_x, m, T_x)
        a0: initial hidden state, (n_a, m)
        parameters: python dict (as in lstm_cell_forward)
    Returns:
        a: hidden state for every time step, (n_a, m, T_x)
        y: prediction for every time step, (n_y, m, T_x)
        c: memory state for every time step, (n_a, m, T_x)
        caches: tuple for the backward pass, (caches, x)
    '''
    # initialise caches
    caches = []

    # dimensions
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    # initialise a, c, y
    a = np.zeros([n_a, m, T_x])
    c = np.zeros([n_a, m, T_x])
    y = np.zeros([n_y, m, T_x])

    # initialise a_next and c_next
    a_next = a0
    c_next = np.zeros([n_a, m])

    # loop
    for t in range(T_x):
        # call lstm_cell_forward for a_next, c_next, yt, cache
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        # save a_next
        a[:, :, t] = a_next
        # save yt
        y[:, :, t] = yt
        # save c_next
        c[:, :, t] = c_next
        # add cache to caches
        caches.append(cache)

    # caches for the backward pass
    caches = (caches, x)

    return a, y, c, caches


def rnn_cell_backward(da_next, cache):
    '''
    Backward pass of one RNN cell.
    Arguments:
        da_next: gradient of the loss w.r.t. the next hidden state
        cache: python tuple (from the forward pass)
    Returns:
        gradients: python dict with:
            dx: gradient of the input data, (n_x, m)
            da_prev: gradient of the previous hidden state, (n_a, m)
            dWax: gradient of the input-to-hidden weights, (n_a, n_x)
            dWaa: gradient of the hidden-to-hidden weights, (n_a, n_a)
            dba: gradient of the bias, (n_a, 1)
    '''
    # values from the cache
    (a_next, a_prev, xt, parameters) = cache

    # weights from parameters
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    # gradient of tanh w.r.t. a_next
    dtanh = (1 - a_next * a_next) * da_next

    # gradient of the loss w.r.t. Wax
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)

    # gradient w.r.t. Waa
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, da_prev.T)  # BUG (kept from the seed): should be a_prev.T

    # gradient w.r.t. b
    dba = np.sum(dtanh, keepdims=True, axis=-1)

    # store the gradients in a dict
    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}

    return gradients


def rnn_backward(da, caches):
    '''
    Backward pass of the whole RNN.
    Arguments:
        da: gradients of all hidden states, (n_a, m, T_x)
        caches: tuple of forward-pass information
    Returns:
        gradients: python dict with:
            dx: gradient of the input data, (n_x, m, T_x)
            da0: gradient of the initial hidden state, (n_a, m)
            dWax: gradient of the input-to-hidden weights, (n_a, n_x)
            dWaa: gradient of the hidden-to-hidden weights, (n_a, n_a)
            dba: gradient of the bias, (n_a, 1)
    '''
    # values from caches
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]

    # dimensions of da and x1
    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    # initialise the gradients
    dx = np.zeros([n_x, m, T_x])
    dWax = np.zeros([n_a, n_x])
    dWaa = np.zeros([n_a, n_a])
    dba = np.zeros([n_a, 1])
    da0 = np.zeros([n_a, m])
    da_prevt = np.zeros([n_a, m])

    # loop
    for t in reversed(range(T_x)):
        # call rnn_cell_backward
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWaxt = gradients["dWax"]
        dWaat = gradients["dWaa"]
        dbat = gradients["dba"]

        dx[:, :, t] = dxt
        dWax += dWaxt
        dWaa += dWaat
        dba += dbat

    da0 = da_prevt

    # store the gradients in a dict
    gradients = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}

    return gradients
