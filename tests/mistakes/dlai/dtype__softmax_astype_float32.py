"""
mistake: dtype
suite: dlai
shows in: softmax, rnn_cell_forward, lstm_cell_forward

softmax casts its result with .astype(np.float32) (copied from a GPU tutorial), so the
probabilities, and the cells' yt_pred made with it, come back in single precision. (rnn_forward
and lstm_forward copy each yt_pred into their own float64 array, and the float32 rounding stays
within the float64 tolerance there, so they pass.)
"""

import numpy as np


def softmax(x):
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return (e_x / e_x.sum(axis=0, keepdims=True)).astype(np.float32)
