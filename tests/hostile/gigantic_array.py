"""softmax returns a 4 GB array: refused by the memory limit inside the worker."""
import numpy as np

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["MemoryError"]


def softmax(x):
    return np.ones((2**19, 2**10))
