"""
mistake: overflow
suite: dlai
shows in: sigmoid

values right, warns: the student wrote the naive sigmoid 1 / (1 + np.exp(-x)). For x = -1000
np.exp(1000) overflows to inf (RuntimeWarning: overflow encountered in exp), but 1/(1+inf) is
still the right 0.0, so the values pass; only the overflow warning shows the mistake.
"""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))
