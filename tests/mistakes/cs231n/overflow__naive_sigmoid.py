"""
mistake: overflow
suite: cs231n
shows in: sigmoid

The student replaces the masked, numerically stable sigmoid with the textbook
1 / (1 + np.exp(-x)). The values are right (exp(-x) -> inf gives 1/inf = 0), but np.exp
overflows for large negative x and numpy emits "RuntimeWarning: overflow encountered in exp".
"""

import numpy as np


def sigmoid(x):
    """
    A numerically stable version of the logistic sigmoid function.
    """
    return 1 / (1 + np.exp(-x))
