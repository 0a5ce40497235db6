"""softmax never returns (a busy loop): killed at the per-call timeout."""
from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["did not finish within"]


def softmax(x):
    while True:
        pass
