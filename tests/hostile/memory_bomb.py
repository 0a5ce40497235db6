"""softmax allocates until it cannot: the address-space limit turns it into MemoryError."""
import numpy as np

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["MemoryError", "memory limit"]


def softmax(x):
    hoard = []
    while True:
        hoard.append(np.ones(10**7))
