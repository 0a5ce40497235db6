"""A graded submission as plain data, and how its points are counted.

Partial credit: each item of a function (fixture cases, hidden random cases, the gradient
check) is worth ``points / (number of items of that function)``. An item earns its share
when it passes or is skipped (a skip is the harness's decision, e.g. no gradient check in
float32 mode, never the submission's fault); fail, error and missing earn 0. Every item of
the suite is listed with its max_score, whatever happened, so ``max_score`` is always the
suite's total points and nothing is silently dropped: a submission that cannot be imported
lists every item as an error.

Hidden items (random cases, kind "random") never show their verdict's message outside the
grader's process memory: their ``shown`` text says only which outputs were wrong, by the
spec's output names (see :func:`hidden_output`), never a number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.cases import CaseRef
from conformance.spec import Suite

EARNS = ("pass", "skip")
MAX_SHOWN_CHARS = 4000  # one test's output in a report; a 100-row mismatch table fits


@dataclass
class ItemResult:
    """One item of one submission: its verdict, the text a student is shown, and its points."""

    function: str
    case: str
    kind: str  # fixture | random | gradcheck
    outcome: str  # pass | fail | error | missing | skip
    shown: str  # what reports show: the verdict's message, or a redacted one for hidden cases
    score: float
    max_score: float
    time: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.function}[{self.case}]"

    @property
    def hidden(self) -> bool:
        return self.kind == "random"


@dataclass
class SubmissionResult:
    """A submission's grade. ``status`` is "graded", or "error" when it could not be run
    (no file picked, import failed, suite unknown, the grader failed); ``message`` says why."""

    name: str
    source: str
    file: str | None
    suite: str | None
    status: str
    message: str = ""
    limits: str = ""
    execution_time: float = 0.0
    output: str = ""  # what the submission printed (capped), when the grader captured it
    items: list[ItemResult] = field(default_factory=list)
    functions: dict[str, dict[str, float]] = field(default_factory=dict)  # name -> points, earned
    reference_matches: dict[str, str] = field(default_factory=dict)  # function -> why it is the reference's
    notes: list[str] = field(default_factory=list)  # how the file was loaded (notebook cells, supplied helpers)
    timed_out: dict[str, str] = field(default_factory=dict)  # function -> the item on which a call of it timed out

    @property
    def score(self) -> float:
        return round(sum(f["earned"] for f in self.functions.values()), 6)

    @property
    def max_score(self) -> float:
        return round(sum(f["points"] for f in self.functions.values()), 6)

    def to_dict(self) -> dict[str, Any]:
        """Builtins only: this crosses from a grading process to the main one."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SubmissionResult":
        items = [ItemResult(**item) for item in data.get("items", [])]
        return cls(**{**data, "items": items})


def hidden_output(outcome: str, message: str, output_names: list[str]) -> str:
    """The text shown for a hidden case: outcome and wrong output names, no values.

    A mismatch line of the harness starts with ``<output>:`` (compare.Mismatch); only
    names found that way, which are the spec's own, are repeated.
    """
    if outcome in EARNS:
        return "hidden case: passed"
    if outcome == "missing":
        return "hidden case: the function is missing"
    if outcome == "error":
        return "hidden case: error (the call raised, crashed or timed out)"
    lines = message.splitlines()
    wrong = [n for n in output_names if any(line.startswith(f"{n}:") or line.startswith(f"{n}[") for line in lines)]
    notes = []
    if wrong:
        notes.append("wrong: " + ", ".join(wrong))
    if any(line.startswith("return value:") for line in lines):
        notes.append("wrong return structure")
    if any(line.startswith("modified its input") for line in lines):
        notes.append("modified an input in place")
    return "hidden case: failed" + (f" ({'; '.join(notes)})" if notes else "")


def _cap(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return text[:MAX_SHOWN_CHARS] + f"\n... ({len(text) - MAX_SHOWN_CHARS} more characters cut)"


def score_items(suite: Suite, refs: list[CaseRef], verdicts: list[tuple[str, str, float]]
                ) -> tuple[list[ItemResult], dict[str, dict[str, float]]]:
    """Items and per-function points from (outcome, message, seconds) per ref, in ref order."""
    counts: dict[str, int] = {}
    for ref in refs:
        counts[ref.function] = counts.get(ref.function, 0) + 1
    functions = {spec.function: {"points": float(spec.points), "earned": 0.0} for spec in suite}
    earned_items: dict[str, int] = {name: 0 for name in functions}
    items = []
    for ref, (outcome, message, seconds) in zip(refs, verdicts):
        spec = suite.specs[ref.function]
        share = spec.points / counts[ref.function]
        if ref.kind == "random":
            shown = hidden_output(outcome, message, [o["name"] for o in spec.outputs])
        else:
            shown = _cap(message or ("passed" if outcome == "pass" else outcome))
            if outcome == "skip":
                shown = f"skipped, not counted against you: {shown}"
        earns = outcome in EARNS
        earned_items[ref.function] += earns
        items.append(ItemResult(ref.function, ref.case_id, ref.kind, outcome, shown,
                                share if earns else 0.0, share, round(seconds, 6)))
    for name, entry in functions.items():
        # points * k / n, not a sum of shares: 3 of 3 items of 1 point is exactly 1.0
        entry["earned"] = entry["points"] * earned_items[name] / counts[name] if counts.get(name) else 0.0
    return items, functions


def error_result(name: str, source: str, file: str | None, suite_name: str | None, suite: Suite | None,
                 refs: list[CaseRef], message: str, **extra: Any) -> SubmissionResult:
    """A submission that could not be graded: every item of its suite (if known) as an error."""
    items, functions = ([], {})
    if suite is not None:
        first = message.splitlines()[0] if message else "not run"
        items, functions = score_items(suite, refs, [("error", f"not run: {first}", 0.0)] * len(refs))
        for item in items:  # a hidden case's text would otherwise hide the reason
            item.shown = f"not run: {first}"
    return SubmissionResult(name, source, file, suite_name, "error", message, items=items,
                            functions=functions, **extra)
