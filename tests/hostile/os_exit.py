"""softmax calls os._exit(7): the worker process dies at once."""
import os

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["exited with code 7"]


def softmax(x):
    os._exit(7)
