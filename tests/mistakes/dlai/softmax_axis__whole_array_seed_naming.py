"""
mistake: softmax-axis
suite: dlai
shows in: softmax, rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward

Written in seed 000's own naming (U, W, V, b_a, b_y, hidden state s). The softmax divides by the
sum of the WHOLE array (np.sum(e_x) with no axis), so with a batch of m > 1 examples all m*n_y
probabilities share one denominator; the RNN cell's prediction (and the base LSTM cell's) goes
through it. (The max shift is
per column, so nothing overflows: only the normalisation is wrong.)
"""

import numpy as np


def softmax(x):
    # one column per example
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / np.sum(e_x)


def rnn_cell_forward(x_t, s_prev, parameters):
    """
    x_t: input at time t, (n_x, m)
    s_prev: hidden state of the previous cell, (n_a, m)
    parameters: U, W, V, b_a, b_y
    return: s_next, out_pred, cache
    """
    U = parameters["U"]
    W = parameters["W"]
    V = parameters["V"]
    b_a = parameters["b_a"]
    b_y = parameters["b_y"]

    s_next = np.tanh(np.dot(U, x_t) + np.dot(W, s_prev) + b_a)
    out_pred = softmax(np.dot(V, s_next) + b_y)

    cache = (s_next, s_prev, x_t, parameters)
    return s_next, out_pred, cache
