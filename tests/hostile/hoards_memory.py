"""rnn_backward takes all the memory the worker may have and keeps it (a global list), then
computes the right answer: the call, or the reply of a call that returned, runs out of memory.
Every verdict of rnn_backward says memory (issue 24: one did not, in 2 of 4 class runs), and
what does not call rnn_backward still earns its points."""
import numpy as np

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import rnn_backward as _rnn_backward

VERDICT, WORDS = "rnn_backward", ["memory"]
MAY_FAIL = ["rnn_backward"]  # every other item must pass
_hoard = []


def rnn_backward(da, caches):
    for size in (1 << 17, 1 << 10, 1 << 4):  # 1 MB at a time, then 8 KB, then 128 bytes: nothing is left
        try:
            while True:
                _hoard.append(np.empty(size))  # address space: what the limit counts
        except MemoryError:
            pass
    return _rnn_backward(da, caches)
