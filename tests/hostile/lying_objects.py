"""Returns objects that lie: softmax's __array__ raises, sigmoid's claims equality with anything."""
from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["returned a RaisingArray", "not a numeric array"]


class RaisingArray:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array for you")

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.5


class Flatterer:
    """Equal to everything, its float is 0.5 and its array is all 0.5."""

    def __init__(self, shape):
        self.shape = shape

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.5

    def __array__(self, dtype=None, copy=None):
        import numpy as np
        return np.full(self.shape, 0.5)


def softmax(x):
    return RaisingArray()


def sigmoid(x):
    return Flatterer(x.shape)
