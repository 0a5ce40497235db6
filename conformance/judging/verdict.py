"""A verdict as data, and the one place it becomes text.

The harness fills a ``Verdict``: an outcome, findings (one per output that is wrong, or
per input modified, or the return structure), the culprit function and how its call ended
(timeout, the worker's exit), the misconceptions recognised (catalogue ids, with hints), the
numeric warnings the target emitted. pytest's failure text, results.json, JUnit, the
conformance report and the class summaries all read these fields or ``render``'s text;
nothing parses a message back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS, FAIL, ERROR, MISSING, SKIP = "pass", "fail", "error", "missing", "skip"

# structure: the return value's shape as a whole (tuple length, dict keys, type);
# shape / dtype / nonfinite / value: one output, layer by layer (compare.py);
# mutated-input: an argument changed in place; gradient: a gradient check's disagreement;
# cache: a forward's cache against the prescribed layout; warning: a numeric warning.
FINDING_KINDS = ("structure", "shape", "dtype", "nonfinite", "value", "mutated-input", "gradient", "cache",
                 "warning")


@dataclass
class Finding:
    """One thing wrong with one output (or input). ``text`` is the student's lines for it."""

    kind: str
    output: str  # the spec's output name; the argument's label for mutated-input; "" for the whole value
    text: str
    index: list[int] | None = None  # the worst element, when values were compared
    got: float | None = None
    expected: float | None = None
    rtol: float | None = None
    atol: float | None = None

    def line(self) -> str:
        return f"{self.output}: {self.text}" if self.output else self.text


@dataclass(frozen=True)
class Misconception:
    """A catalogue id recognised by evidence, and the hint for this suite and function."""

    id: str
    hint: str
    evidence: str  # how it was recognised, e.g. "oracle variant 'da-only'", "finding nonfinite"


@dataclass
class Verdict:
    outcome: str  # pass | fail | error | missing | skip
    findings: list[Finding] = field(default_factory=list)
    note: str = ""  # why, for outcomes without findings: an exception and its frames, a missing function...
    culprit: str = ""  # the target function whose call raised, hung or died (may not be the item's own)
    timeout: bool = False
    exit: str = ""  # how an isolated worker ended: "timeout", "died", "protocol"...
    misconceptions: list[Misconception] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the target's numeric warnings, as text
    repro: str = ""  # a command that runs just this item
    details: dict[str, Any] = field(default_factory=dict)  # reference_match, supplied, gradient errors...
    # blake2b of the wrong outputs' bytes (judgement.wrong_digest): equal only for bit-identical
    # wrong outputs, so a class's shared mistakes can be grouped. Never rendered: not a student's.
    wrong_digest: str = ""
    smallest: Any = None  # a failing function's smallest failing case (shrinking.Smallest), on its first item

    @property
    def message(self) -> str:
        return render(self)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.misconceptions]

    @property
    def wrong_outputs(self) -> list[str]:
        """Outputs with a finding (in finding order, once each); not inputs, not the whole value."""
        seen: list[str] = []
        for f in self.findings:
            if f.output and f.kind not in ("mutated-input", "warning") and f.output not in seen:
                seen.append(f.output)
        return seen


def render(verdict: Verdict) -> str:
    """The verdict as a student reads it: why (when a known mistake was recognised), the smallest
    failing case, what is wrong, the warnings, and how to rerun it."""
    lines = [verdict.note] if verdict.note else []
    if verdict.outcome == PASS:  # passed with a warning: the warning first, then what it means
        lines += ["passed, but your code warned: " + "; ".join(verdict.warnings)] if verdict.warnings else []
        lines += [f"why it warned: {m.hint} [{m.id}]" for m in verdict.misconceptions]
    else:
        lines += [f"why: {m.hint} [{m.id}]" for m in verdict.misconceptions]  # first: a student reads the top
        lines += verdict.smallest.lines() if verdict.smallest is not None else []
    lines += [f.line() for f in verdict.findings if f.kind != "warning"]
    if verdict.warnings and verdict.outcome != PASS:
        lines.append("note: your code warned: " + "; ".join(verdict.warnings))
    if verdict.repro and verdict.outcome not in (PASS, SKIP):
        lines.append(f"rerun just this: {verdict.repro}")
    return "\n".join(lines)
