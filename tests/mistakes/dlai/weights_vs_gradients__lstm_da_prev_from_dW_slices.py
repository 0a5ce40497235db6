"""
mistake: weights-vs-gradients
suite: dlai
shows in: lstm_cell_backward, lstm_backward

The notebook's expanded form with the slices the other way round from its sibling: dxt from
the weights' last n_x columns (right), da_prev from the weight GRADIENTS' first n_a columns
(dWf[:, :n_a].T ...), where Wf[:, :n_a] belongs. Written with the gates in a loop.
"""

import numpy as np


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    d = {"f": dc * c_prev * ft * (1 - ft), "i": dc * cct * it * (1 - it),
         "c": dc * it * (1 - cct ** 2), "o": da_next * tanh_c * ot * (1 - ot)}
    concat = np.concatenate((a_prev, xt), axis=0)
    gradients = {"da_prev": 0, "dxt": 0, "dc_prev": dc * ft}
    for g in ("f", "i", "c", "o"):
        dW = np.dot(d[g], concat.T)
        gradients["dW" + g] = dW
        gradients["db" + g] = np.sum(d[g], axis=1, keepdims=True)
        gradients["da_prev"] = gradients["da_prev"] + np.dot(dW[:, :n_a].T, d[g])
        gradients["dxt"] = gradients["dxt"] + np.dot(parameters["W" + g][:, n_a:].T, d[g])
    return gradients
