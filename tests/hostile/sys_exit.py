"""softmax calls sys.exit(3): a SystemExit is a verdict, not the end of the grader."""
import sys

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = "softmax", ["SystemExit", "3"]


def softmax(x):
    sys.exit(3)
