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
spec's output names, and the misconception ids recognised (see ``hidden_output``), never
a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.contract.cases import CaseRef
from conformance.contract.spec import Suite
from conformance.judging.verdict import ERROR, Verdict

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
    misconceptions: list[str] = field(default_factory=list)  # catalogue ids recognised in this item
    warnings: list[str] = field(default_factory=list)  # the target's numeric warnings (never cost points)
    # the verdict's digest of its wrong outputs' bytes, and their names: for the class's clusters
    # (conformance.reports.clusters); never in a student's text
    wrong_digest: str = ""
    wrong_outputs: list[str] = field(default_factory=list)

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
    code_prints: dict[str, str] = field(default_factory=dict)  # function -> its normalised code's fingerprint

    @property
    def score(self) -> float:
        return round(sum(f["earned"] for f in self.functions.values()), 6)

    @property
    def max_score(self) -> float:
        return round(sum(f["points"] for f in self.functions.values()), 6)

    def to_dict(self) -> dict[str, Any]:
        """Builtins only: this crosses from a grading process to the main one. dataclasses.asdict's
        value, built directly (asdict walks and deep-copies every field: ~7 ms for 109 items)."""
        data = dict(vars(self))
        data["items"] = [{**vars(item), "misconceptions": list(item.misconceptions), "warnings": list(item.warnings),
                          "wrong_outputs": list(item.wrong_outputs)} for item in self.items]
        data["functions"] = {name: dict(points) for name, points in self.functions.items()}
        data["reference_matches"], data["notes"] = dict(self.reference_matches), list(self.notes)
        data["timed_out"], data["code_prints"] = dict(self.timed_out), dict(self.code_prints)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SubmissionResult":
        items = [ItemResult(**item) for item in data.get("items", [])]
        return cls(**{**data, "items": items})


def hidden_output(verdict: Verdict) -> str:
    """The text shown for a hidden case: outcome, wrong outputs by the spec's names, and the
    misconception ids; never a value. Built from the verdict's fields, not from its text."""
    if verdict.outcome in EARNS:
        return "hidden case: passed" + (" (with a warning)" if verdict.warnings else "")
    if verdict.outcome == "missing":
        return "hidden case: the function is missing"
    if verdict.outcome == "error":
        return "hidden case: error (the call raised, crashed or timed out)"
    notes = []
    if verdict.wrong_outputs:
        notes.append("wrong: " + ", ".join(verdict.wrong_outputs))
    kinds = {f.kind for f in verdict.findings}
    if "structure" in kinds:
        notes.append("wrong return structure")
    if "mutated-input" in kinds:
        notes.append("modified an input in place")
    if verdict.ids:
        notes.append("why: " + ", ".join(verdict.ids))
    return "hidden case: failed" + (f" ({'; '.join(notes)})" if notes else "")


def _cap(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return text[:MAX_SHOWN_CHARS] + f"\n... ({len(text) - MAX_SHOWN_CHARS} more characters cut)"


def score_items(suite: Suite, refs: list[CaseRef], verdicts: list[tuple[Verdict, float]]
                ) -> tuple[list[ItemResult], dict[str, dict[str, float]]]:
    """Items and per-function points from (verdict, seconds) per ref, in ref order."""
    counts: dict[str, int] = {}
    for ref in refs:
        counts[ref.function] = counts.get(ref.function, 0) + 1
    functions = {spec.function: {"points": float(spec.points), "earned": 0.0} for spec in suite}
    earned_items: dict[str, int] = {name: 0 for name in functions}
    items = []
    for ref, (verdict, seconds) in zip(refs, verdicts):
        spec = suite.specs[ref.function]
        share = spec.points / counts[ref.function]
        if ref.kind == "random":
            shown = hidden_output(verdict)
        else:
            shown = _cap(verdict.message or ("passed" if verdict.outcome == "pass" else verdict.outcome))
            if verdict.outcome == "skip":
                shown = f"skipped, not counted against you: {shown}"
        earns = verdict.outcome in EARNS
        earned_items[ref.function] += earns
        items.append(ItemResult(ref.function, ref.case_id, ref.kind, verdict.outcome, shown,
                                share if earns else 0.0, share, round(seconds, 6), verdict.ids,
                                [] if ref.kind == "random" else list(verdict.warnings),
                                verdict.wrong_digest, verdict.wrong_outputs if verdict.wrong_digest else []))
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
        items, functions = score_items(suite, refs, [(Verdict(ERROR, note=f"not run: {first}"), 0.0)] * len(refs))
        for item in items:  # a hidden case's text would otherwise hide the reason
            item.shown = f"not run: {first}"
    return SubmissionResult(name, source, file, suite_name, "error", message, items=items,
                            functions=functions, **extra)
