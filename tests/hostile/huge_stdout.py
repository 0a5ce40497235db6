"""softmax prints without end: the output file's size limit stops it (OSError: File too large)."""
from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = "softmax", ["File too large"]


def softmax(x):
    line = "spam " * 2000
    while True:
        print(line, flush=True)
    return _softmax(x)
