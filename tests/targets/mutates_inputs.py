"""A dlai target whose outputs are all correct (a correct student-style implementation's) but two functions modify an
input in place after computing:

- ``rnn_cell_forward`` zeroes its argument ``xt`` (an array argument);
- ``rnn_forward`` adds 1 to ``parameters["ba"]`` (a field of a dict argument).

Each computes from private copies first, so its returned values and cache are right; only
the caller's arrays change. Every other function is correct and passes. The harness
judges a mutation as a failure of that function's items (not of the others): expected
failing are exactly those two functions, on every fixture case, each with a message naming
the modified input (``xt`` / ``parameters['ba']``).
The gradcheck items of rnn_cell_backward / rnn_backward call these mutating forwards, but the
harness hands every call fresh copies, so those items pass.
"""

import numpy as np

import _correct_dlai as _oracle
from _correct_dlai import (lstm_backward, lstm_cell_backward, lstm_cell_forward, lstm_forward,
                         rnn_backward, rnn_cell_backward, sigmoid, softmax)

__all__ = ["softmax", "sigmoid", "rnn_cell_forward", "rnn_forward", "lstm_cell_forward",
           "lstm_forward", "rnn_cell_backward", "rnn_backward", "lstm_cell_backward",
           "lstm_backward"]

EXPECTED_FAILING = {"rnn_cell_forward", "rnn_forward"}
EXPECTED_FAILING_CASES = {
    "rnn_cell_forward": {"published", "random_a", "random_b", "random_c", "batch_1", "one_feature",
                         "one_hidden", "large_logits", "asymmetric_waa"},
    "rnn_forward": {"published", "random_a", "random_b", "random_c", "batch_1", "one_step",
                    "one_feature", "one_hidden", "large_logits", "asymmetric_waa"},
}
MUTATED_INPUTS = {"rnn_cell_forward": "xt", "rnn_forward": "parameters['ba']"}
EXPECTED_MISSING = set()


def _copied(parameters):
    return {k: np.array(v, copy=True) for k, v in parameters.items()}


def rnn_cell_forward(xt, a_prev, parameters):
    a_next, yt_pred, cache = _oracle.rnn_cell_forward(xt.copy(), a_prev.copy(), _copied(parameters))
    xt[...] = 0.0  # the caller's array is wiped after use
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    a, y_pred, caches = _oracle.rnn_forward(x.copy(), a0.copy(), _copied(parameters))
    parameters["ba"] += 1.0  # in place: the caller's bias drifts
    return a, y_pred, caches
