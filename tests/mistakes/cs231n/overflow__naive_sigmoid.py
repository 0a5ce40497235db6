"""
mistake: overflow
suite: cs231n
shows in: sigmoid

The student replaces the masked, numerically stable sigmoid with the textbook
1 / (1 + np.exp(-x)). The values are right (exp(-x) -> inf gives 1/inf = 0), but np.exp
overflows for large negative x and numpy emits "RuntimeWarning: overflow encountered in exp".
The harness decides on values, not warnings, so sigmoid (and the LSTM functions that call it)
PASS every item: "shows in" names where the warning shows, not a failing item (values right, warns).
"""

import numpy as np


def sigmoid(x):
    """
    A numerically stable version of the logistic sigmoid function.
    """
    return 1 / (1 + np.exp(-x))
