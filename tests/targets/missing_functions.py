"""A dlai target with only four of the suite's ten functions, all correct (tests/targets/_correct_dlai.py).

Present (expected to pass every case): softmax, sigmoid, rnn_cell_forward, rnn_forward.
Missing (expected to be reported missing): rnn_cell_backward, rnn_backward,
lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward.

Gradcheck items: rnn_cell_backward / rnn_backward have their forward here, so their
gradcheck item is "missing" too.
"""

from _correct_dlai import rnn_cell_forward, rnn_forward, sigmoid, softmax

__all__ = ["softmax", "sigmoid", "rnn_cell_forward", "rnn_forward"]

EXPECTED_FAILING = set()
EXPECTED_MISSING = {"rnn_cell_backward", "rnn_backward", "lstm_cell_forward", "lstm_forward",
                    "lstm_cell_backward", "lstm_backward"}
