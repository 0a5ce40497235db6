"""The whole submission is the grader's own reference, imported."""
from oracle.dlai import *  # noqa: F401,F403

NOT_GRADED = "ImportError: the reference implementation is not available to submissions"
