"""What every section shares: its settings, its result (a table plus JSON data), timing helpers.

Timings are wall-clock (``time.perf_counter``). On a shared machine absolute times drift by tens
of percent between runs, so every section measures its own baseline in the same run and reports
ratios; medians, not means, so one slow outlier does not move a figure.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ALICE = EXAMPLES / "submissions" / "alice"  # the bundled correct dlai submission (a folder)
CORRECT_CS231N = ROOT / "tests" / "targets" / "_correct_cs231n.py"  # a correct cs231n target, not the oracle

# The environment as run.py started: grade() sets OPENBLAS_NUM_THREADS=1 in its own process,
# which must not leak into the pytest runs a later section starts.
START_ENV = dict(os.environ)


@dataclass(frozen=True)
class Settings:
    """What to measure, and how often (see run.py's options)."""

    repeat: int  # student loop: timed runs per mode
    grade_repeat: int  # grading: timed runs per mode
    copies: int  # grading throughput: copies of the correct submission
    sizes: tuple[int, ...]  # class-size growth: class sizes
    lengths: tuple[int, ...]  # sequence-length growth: values of T
    torch_dims: dict[str, int]  # oracle vs torch: N, T, D, H
    torch_repeat: int  # oracle vs torch: timed runs per implementation
    budget_s: float  # sequence: seconds of repeated calls behind each median


@dataclass
class Section:
    """One section's outcome: a plain-text table (headers, rows), lines under it (goals,
    checks, notes) and the same figures, unrounded, as JSON-able ``data``."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence of numbers."""
    return float(statistics.median(values))


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """(wall seconds, result) of one call."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def per_call(fn: Callable[[], Any], budget_s: float = 0.3, min_runs: int = 3, max_runs: int = 200) -> float:
    """Median seconds per call of ``fn()``: after one warm-up call, calls it until ``budget_s``
    has passed (at least ``min_runs``, at most ``max_runs`` times)."""
    fn()
    runs: list[float] = []
    spent = 0.0
    while len(runs) < min_runs or (spent < budget_s and len(runs) < max_runs):
        seconds, _ = timed(fn)
        runs.append(seconds)
        spent += seconds
    return median(runs)


def ratio(value: float, base: float) -> float | None:
    """value / base, or None when the base is not positive."""
    return value / base if base > 0 else None


def cell(value: Any) -> str:
    """A table cell: floats with 3 significant figures (2 decimals from 10 on), None as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) >= 10 else f"{value:#.3g}"
    return str(value)


def render(section: Section) -> str:
    """The section as plain text: a title, an aligned table (text left, numbers right), notes."""
    cells = [[cell(v) for v in row] for row in section.rows]
    widths = [max([len(h), *(len(r[k]) for r in cells)]) for k, h in enumerate(section.headers)]
    numeric = [all(isinstance(row[k], (int, float)) or row[k] is None for row in section.rows)
               for k in range(len(section.headers))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [f"== {section.title}", line(section.headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    out += [f"   {note}" for note in section.notes]
    return "\n".join(out)
