"""softmax forks a child that sleeps on after the call returns; it must not outlive grading.
The child names itself hostile-child, so the test can look for it after the run."""
import ctypes
import os
import time

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []  # the values are right: only the leftover process is the hazard


def softmax(x):
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, b"hostile-child", 0, 0, 0)
        time.sleep(10**6)
        os._exit(0)
    return _softmax(x)
