"""softmax allocates until it cannot: the address-space limit turns it into MemoryError. (np.zeros, not
np.ones: the limit counts address space either way, and writing 240 MB took over the 1 s timeout on
a loaded 2-core machine, so the verdict was a timeout.)"""
import numpy as np

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["MemoryError", "memory limit"]


def softmax(x):
    hoard = []
    while True:
        hoard.append(np.zeros(10**7))  # calloc: the address space is taken at once, pages stay untouched
