"""
mistake: overflow
suite: dlai
shows in: softmax, rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward

The textbook softmax np.exp(x) / np.sum(np.exp(x), axis=0) with no max subtracted: for scores
around 1000 np.exp overflows to inf and inf/inf gives nan, so softmax and every prediction made
from large logits are non-finite.
"""

import numpy as np


def softmax(x):
    return np.exp(x) / np.sum(np.exp(x), axis=0)
