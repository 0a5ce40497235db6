"""softmax reads a classmate's submission (its absolute path is known) and prints it: the worker
must not see other submissions."""
from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []
PRINTS = ["classmate: unreadable"]


def softmax(x):
    try:
        with open("@CLASSMATE@") as f:
            print("classmate:", f.read(200))
    except OSError as exc:
        print(f"classmate: unreadable ({type(exc).__name__})")
    return _softmax(x)
