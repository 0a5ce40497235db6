"""softmax prints without end: the output file's size limit stops it (OSError: File too large)."""
from oracle.dlai import *  # noqa: F401,F403
from oracle.dlai import softmax as _softmax

VERDICT, WORDS = "softmax", ["File too large"]


def softmax(x):
    line = "spam " * 2000
    while True:
        print(line, flush=True)
    return _softmax(x)
