"""
mistake: overflow
suite: dlai
shows in: softmax, rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward

The student made softmax "stable" by subtracting np.max(x), the max of the whole array, instead of
each column's max. A column whose scores sit ~1000 below the global max underflows to all zeros
and 0/0 gives nan (the columns are summed correctly otherwise).
"""

import numpy as np


def softmax(x):
    x_max = np.max(x)
    exp_x = np.exp(x - x_max)
    return exp_x / np.sum(exp_x, axis=0, keepdims=True)
