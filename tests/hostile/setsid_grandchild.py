"""softmax forks a child, whose child calls setsid (leaving the worker's process group) and
sleeps: it must still die with the worker (the PID namespace)."""
import ctypes
import os
import time

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []


def softmax(x):
    if os.fork() == 0:
        if os.fork() == 0:
            os.setsid()
            ctypes.CDLL(None).prctl(15, b"hostile-setsid", 0, 0, 0)
            time.sleep(10**6)
        os._exit(0)
    return _softmax(x)
