"""softmax looks into the grader's cache folder, whose fixture packs hold every fixture case's
expected outputs, to answer from them: the worker must not see that folder."""
from pathlib import Path

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []
PRINTS = ["cache: nothing to read"]


def softmax(x):
    try:
        found = sorted(p.name for p in Path("@CACHE_DIR@").iterdir())
    except OSError:
        found = []
    print("cache:", f"read {found[:3]}" if found else "nothing to read")
    return _softmax(x)
