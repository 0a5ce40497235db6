"""Grading options shared by ``grade``, ``gradescope`` and the pytest plugin: defaults and checks.

Light on purpose (nothing imported): the plugin checks its options at every student's start.
"""

from __future__ import annotations

DEFAULT_TIMEOUT = 10.0  # seconds per call: a right answer takes milliseconds, a slow loop < 1 s
DEFAULT_MEMORY_MB = 1024
MIN_MEMORY_MB = 64  # benchmarks/memory_floor.py: the correct submission loses points at 1 MB, not at 2; 32x margin
DEFAULT_RANDOM_CASES = 2  # per function: catches answers memorised from the fixtures
DEFAULT_RANDOM_SEED = 0  # instructors: choose your own, and keep it to yourself
DEFAULT_SHRINK_BUDGET_S = 1.0  # per failing function, to find its smallest failing case (judging/shrinking.py)


class GradeError(Exception):
    """The grader cannot start (not a problem of any one submission)."""


def check_options(jobs: int | None, timeout: float, memory_mb: int, random_cases: int,
                  shrink_budget: float = DEFAULT_SHRINK_BUDGET_S) -> None:
    """Raise GradeError with one line for the first bad option."""
    if jobs is not None and jobs < 1:
        raise GradeError(f"--jobs must be at least 1 (got {jobs})")
    if not timeout > 0:
        raise GradeError(f"--timeout must be a positive number of seconds (got {timeout:g})")
    if memory_mb < MIN_MEMORY_MB:
        raise GradeError(f"--memory-mb must be at least {MIN_MEMORY_MB}: below that the worker cannot run the "
                         f"grader's own code reliably (got {memory_mb})")
    if random_cases < 0:
        raise GradeError(f"--random-cases cannot be negative (got {random_cases})")
    if not shrink_budget >= 0:  # NaN too
        raise GradeError(f"--shrink-budget must be seconds >= 0 (0: no shrinking), got {shrink_budget:g}")
