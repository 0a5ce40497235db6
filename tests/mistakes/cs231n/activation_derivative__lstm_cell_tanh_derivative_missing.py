"""
mistake: activation-derivative
suite: cs231n
shows in: lstm_step_backward, lstm_backward

Back-propagating next_h = o * tanh(c) into the cell, the student writes dc = dnext_h * o +
dnext_c, leaving out the tanh derivative (1 - tanh(c)^2).
"""

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, tanh_c, c_prev, h_prev, Wx, Wh, x = cache
    dc = dnext_h * o + dnext_c
    do = dnext_h * tanh_c
    di = dc * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f
    dai = di * i * (1 - i)
    daf = df * f * (1 - f)
    dao = do * o * (1 - o)
    dag = dg * (1 - g ** 2)
    dA = np.concatenate((dai, daf, dao, dag), axis=1)
    dx = np.dot(dA, Wx.T)
    dh_prev = np.dot(dA, Wh.T)
    dWx = np.dot(x.T, dA)
    dWh = np.dot(h_prev.T, dA)
    db = np.sum(dA, axis=0)
    return dx, dh_prev, dc_prev, dWx, dWh, db
