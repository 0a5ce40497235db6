"""softmax forks children that fork sleeping grandchildren in a new session and exit, until the
worker's process limit is used up; a child whose own fork is then refused raises, unwinding
into a copy of the worker's loop. softmax's values are half the right ones, and the forwards call
it (the module's own softmax is this one). sigmoid and the backwards fed the suite's caches never
call it: their items must pass, whatever the copies do (issue 24: a copy of the worker answered
in its place, and other calls' replies, other shapes and tracebacks, were judged as theirs)."""
import ctypes
import os
import time

import _correct_dlai
from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = "softmax", []
# every other item must pass; the functions that call softmax may fail, and so may the gradient
# checks of the backwards, which call their forwards ("*[case]": that case of every function)
MAY_FAIL = ["softmax", "rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward", "*[gradcheck]"]


def softmax(x):
    for _ in range(8):
        if os.fork() == 0:  # in the worker: a refused fork is this call's error, as it should be
            if os.fork() == 0:  # in the child: a refused fork raises into the copy of the worker
                os.setsid()
                ctypes.CDLL(None).prctl(15, b"hostile-linger", 0, 0, 0)
                time.sleep(120)
            os._exit(0)
    return _softmax(x) * 0.5


_correct_dlai.softmax = softmax  # the forwards call this softmax, as a student's own module would
