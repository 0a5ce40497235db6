"""rnn_backward takes all the memory the worker may have and keeps it (a global list), then
computes the right answer: the call, or the reply of a call that returned, may run out of
memory, depending on how much the allocator left. Whatever happens to rnn_backward, the memory it
holds is its own: the next calls are asked of a fresh worker, and what does not call rnn_backward
earns its points (before issue 24 the whole submission was 'not graded: the grader's own code').
Not in tests/hostile/: how much is left over differs from run to run, so its grades do too."""
import numpy as np

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import rnn_backward as _rnn_backward

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
