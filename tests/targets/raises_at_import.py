"""A dlai-looking target whose import raises ValueError("parameters file not found:
weights.npz") at module level on line 21, as a notebook export that loads data at top
level would (weights.npz is looked for beside this file, where it never is). The harness
must report the file, line 21 and the message, not a traceback through its own code.
"""

import os

import numpy as np

RAISE_LINE = 21
MESSAGE = "parameters file not found: weights.npz"


def softmax(x):
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


if not os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.npz")):
    raise ValueError("parameters file not found: weights.npz")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))
