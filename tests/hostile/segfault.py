"""softmax reads address 0 through ctypes: the worker dies of SIGSEGV."""
import ctypes

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["SIGSEGV"]


def softmax(x):
    return ctypes.string_at(0)
