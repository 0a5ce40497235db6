"""
mistake: softmax-axis
suite: dlai
shows in: softmax, rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward

The student shifted by the column max but normalised with e_x.sum(axis=1, keepdims=True), i.e.
across the examples of one class instead of across the classes of one example, so the columns
no longer sum to 1 (every prediction yt_pred / y goes through it).
"""

import numpy as np


def softmax(x):
    """Compute softmax values for each sets of scores in x."""
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=1, keepdims=True)
