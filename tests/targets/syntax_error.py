"""A dlai-looking target that cannot be imported: SyntaxError on line 14 (a missing colon
after ``def softmax(x)``). The harness must report the file and line 14, not a traceback
through its own code.
"""

import numpy as np

SYNTAX_ERROR_LINE = 14  # not importable, so only a reader of the source sees this


def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def softmax(x)
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def rnn_cell_forward(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
