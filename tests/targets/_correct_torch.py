"""A correct NumPy implementation of the torch suite (PyTorch's nn.RNN / nn.LSTM / nn.GRU
layout: time-major, weight rows i, f, g, o and r, z, n, two biases), written the way a
student who reads PyTorch's documentation would, independently of the oracle.

Forwards take ``return_cache`` (last) and then also return their cache; the backwards take
the upstream gradients of every output and that cache. The base of the corpus of mistakes
(tests/mistakes/torch/).
"""

import numpy as np


def sigmoid(z):
    """Logistic function via tanh: no overflow for any z."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    h, states = h0, []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        states.append(h)
    output = np.stack(states)
    if return_cache:
        return output, h, (x, h0, w_ih, w_hh, output)
    return output, h


def rnn_backward(doutput, dh_n, cache):
    x, h0, w_ih, w_hh, output = cache
    dx, dw_ih, dw_hh = np.zeros_like(x), np.zeros_like(w_ih), np.zeros_like(w_hh)
    db = np.zeros(w_ih.shape[0], dtype=x.dtype)
    dh = dh_n.copy()
    for t in reversed(range(x.shape[0])):
        dh = dh + doutput[t]
        da = dh * (1.0 - output[t] ** 2)
        h_prev = output[t - 1] if t > 0 else h0
        dx[t] = da @ w_ih
        dw_ih += da.T @ x[t]
        dw_hh += da.T @ h_prev
        db += da.sum(axis=0)
        dh = da @ w_hh
    return dx, dh, dw_ih, dw_hh, db, db.copy()


def lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, c, states, steps = h0, c0, [], []
    for t in range(x.shape[0]):
        a = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        h_prev, c_prev = h, c
        c = f * c + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        states.append(h)
        steps.append((h_prev, c_prev, i, f, g, o, tanh_c))
    output = np.stack(states)
    if return_cache:
        return output, h, c, (x, w_ih, w_hh, steps)
    return output, h, c


def lstm_backward(doutput, dh_n, dc_n, cache):
    x, w_ih, w_hh, steps = cache
    dx, dw_ih, dw_hh = np.zeros_like(x), np.zeros_like(w_ih), np.zeros_like(w_hh)
    db = np.zeros(w_ih.shape[0], dtype=x.dtype)
    dh, dc = dh_n.copy(), dc_n.copy()
    for t in reversed(range(x.shape[0])):
        h_prev, c_prev, i, f, g, o, tanh_c = steps[t]
        dh = dh + doutput[t]
        dc = dc + dh * o * (1.0 - tanh_c ** 2)
        da = np.concatenate([dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f),
                             dc * i * (1.0 - g ** 2), dh * tanh_c * o * (1.0 - o)], axis=1)
        dx[t] = da @ w_ih
        dw_ih += da.T @ x[t]
        dw_hh += da.T @ h_prev
        db += da.sum(axis=0)
        dh = da @ w_hh
        dc = dc * f
    return dx, dh, dc, dw_ih, dw_hh, db, db.copy()


def gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):
    H = h0.shape[1]
    h, states, steps = h0, [], []
    for t in range(x.shape[0]):
        gi = x[t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h_prev = h
        h = (1.0 - z) * n + z * h
        states.append(h)
        steps.append((h_prev, r, z, n, gh[:, 2 * H:]))
    output = np.stack(states)
    if return_cache:
        return output, h, (x, w_ih, w_hh, steps)
    return output, h


def gru_backward(doutput, dh_n, cache):
    x, w_ih, w_hh, steps = cache
    dx, dw_ih, dw_hh = np.zeros_like(x), np.zeros_like(w_ih), np.zeros_like(w_hh)
    db_ih = np.zeros(w_ih.shape[0], dtype=x.dtype)
    db_hh = np.zeros(w_hh.shape[0], dtype=x.dtype)
    dh = dh_n.copy()
    for t in reversed(range(x.shape[0])):
        h_prev, r, z, n, hidden_n = steps[t]
        dh = dh + doutput[t]
        dn = dh * (1.0 - z) * (1.0 - n ** 2)
        dr = dn * hidden_n * r * (1.0 - r)
        dz = dh * (h_prev - n) * z * (1.0 - z)
        dgi = np.concatenate([dr, dz, dn], axis=1)
        dgh = np.concatenate([dr, dz, dn * r], axis=1)
        dx[t] = dgi @ w_ih
        dw_ih += dgi.T @ x[t]
        db_ih += dgi.sum(axis=0)
        dw_hh += dgh.T @ h_prev
        db_hh += dgh.sum(axis=0)
        dh = dh * z + dgh @ w_hh
    return dx, dh, dw_ih, dw_hh, db_ih, db_hh
