"""softmax raises KeyboardInterrupt, sigmoid a bare BaseException."""
from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["KeyboardInterrupt"]


def softmax(x):
    raise KeyboardInterrupt


def sigmoid(x):
    raise BaseException("not an Exception")
