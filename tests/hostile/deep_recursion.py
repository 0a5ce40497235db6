"""softmax recurses with the recursion limit lifted: it ends in a timeout, MemoryError or SIGSEGV,
whichever the interpreter reaches first; any of them costs only softmax."""
import sys

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", []
ANY_OF = ["did not finish within", "MemoryError", "SIGSEGV", "RecursionError"]


def _down(n):
    return _down(n + 1) + 1


def softmax(x):
    sys.setrecursionlimit(10**9)
    return _down(0)
