"""
mistake: wrong-step-input
suite: cs231n
shows in: lstm_forward, lstm_backward

Reading "the initial cell state is set to zero" as applying to the hidden state too, the
student starts the LSTM from zeros for both h and c, ignoring the h0 argument.
"""

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    hs = np.zeros((N, T, H))
    caches = {}
    h_t = np.zeros((N, H))
    c_t = np.zeros((N, H))
    for t in range(T):
        h_t, c_t, caches[t] = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        hs[:, t] = h_t
    return hs, caches
