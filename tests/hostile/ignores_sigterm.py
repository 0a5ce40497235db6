"""Ignores SIGTERM and SIGINT at import, then hangs in softmax: only SIGKILL stops it."""
import signal
import time

from _correct_dlai import *  # noqa: F401,F403

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
VERDICT, WORDS = "softmax", ["did not finish within"]


def softmax(x):
    time.sleep(10**6)
