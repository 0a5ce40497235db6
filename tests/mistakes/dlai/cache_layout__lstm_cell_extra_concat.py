"""
mistake: cache-layout
suite: dlai
shows in: lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward

The LSTM cell's cache carries concat as an eleventh entry, (a_next, c_next, a_prev, c_prev, ft,
it, cct, ot, xt, parameters, concat), so the student's backward need not stack it again; the
notebook's backward unpacks ten. Values are right; the student's backward unpacks its own eleven.
"""

import numpy as np


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters, concat)
    return a_next, c_next, yt_pred, cache


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters, concat) = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    grads = {}
    dconcat = 0
    for g, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        grads["dW" + g] = d @ concat.T
        grads["db" + g] = np.sum(d, axis=1, keepdims=True)
        dconcat = dconcat + parameters["W" + g].T @ d
    grads.update(da_prev=dconcat[:n_a], dxt=dconcat[n_a:], dc_prev=dc * ft)
    return grads


def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    grads = {k: np.zeros((n_a, n_a + n_x)) for k in ("dWf", "dWi", "dWc", "dWo")}
    grads.update({k: np.zeros((n_a, 1)) for k in ("dbf", "dbi", "dbc", "dbo")})
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, **grads}
