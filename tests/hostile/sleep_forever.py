"""softmax sleeps forever (no CPU use, so only the wall-clock timeout can stop it)."""
import time

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["did not finish within"]


def softmax(x):
    time.sleep(10**6)
