"""rnn_cell_forward fails in the middle of its batch of items in every way there is, chosen by
each item's own inputs (so a call asked again alone meets the same behaviour): it raises, exits,
kills itself with a signal, forks a child that raises back into a copy of the worker's loop (a
blocked fork), or forks a child that fills every pipe it holds with bytes. Its other items
return the right values; every other function's items must pass."""
import os
import signal

import numpy as np

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import rnn_cell_forward as _rnn_cell_forward

VERDICT, WORDS = "rnn_cell_forward", []
ANY_OF = ["raised ValueError", "exited with code 3", "signal SIGSEGV"]
MAY_FAIL = ["rnn_cell_forward", "rnn_cell_backward[gradcheck]"]  # every other item must pass


def _in_a_child(then):
    pid = os.fork()
    if pid == 0:
        then()
        os._exit(0)
    os.waitpid(pid, 0)


def _fill_every_pipe():
    junk = b"\xff" * (4 << 20)
    for fd in range(3, 64):
        try:
            os.set_blocking(fd, False)
            os.write(fd, junk)
        except OSError:
            pass


def _blocked_fork():
    raise BlockingIOError(11, "Resource temporarily unavailable (a fork refused)")


def rnn_cell_forward(xt, a_prev, parameters):
    what = int(np.abs(xt).sum() * 1e5) % 6  # over the fixture cases: each behaviour at least once
    if what == 1:
        raise ValueError("a raise in the middle of a batch")
    if what == 2:
        os._exit(3)
    if what == 3:
        os.kill(os.getpid(), signal.SIGSEGV)
    if what == 4:
        _in_a_child(_blocked_fork)
    if what == 5:
        _in_a_child(_fill_every_pipe)
    return _rnn_cell_forward(xt, a_prev, parameters)
