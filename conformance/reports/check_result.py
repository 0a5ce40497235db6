"""What ``conformance.check`` returns: per-function results as data, as terminal text, as HTML.

The data are the grader's own (scoring.score_items for points, report.conformance_report for
each function's status and line), so a notebook's check, ``pytest --target`` and a grade agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.contract.cases import CaseRef
from conformance.contract.spec import Suite
from conformance.judging.scoring import ItemResult, score_items
from conformance.judging.verdict import PASS, SKIP, Verdict
from conformance.reports.report import conformance_report, function_line


@dataclass
class FunctionResult:
    """One function: its status (pass | fail | error | missing), points, and every item with its verdict."""

    name: str
    status: str
    points: float
    earned: float
    items: list[ItemResult]
    verdicts: dict[str, Verdict]  # item name ("lstm_backward[gradcheck]") -> the harness's verdict
    line: str  # the one line pytest's summary prints for it
    misconceptions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "pass"

    @property
    def failing(self) -> list[tuple[ItemResult, Verdict]]:
        return [(item, self.verdicts[item.name]) for item in self.items if item.outcome not in (PASS, SKIP)]


@dataclass
class CheckResult:
    """``check()``'s answer. ``ok``: every judged function conforms (and the call was understood);
    ``error``: the one line saying why nothing was judged; ``functions``: name -> FunctionResult."""

    called: str
    suite: str = ""
    reason: str = ""
    functions: dict[str, FunctionResult] = field(default_factory=dict)
    error: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.functions) and all(f.ok for f in self.functions.values())

    def __bool__(self) -> bool:  # `assert check(f)` means what it says
        return self.ok

    @property
    def score(self) -> float:
        return round(sum(f.earned for f in self.functions.values()), 6)

    @property
    def max_score(self) -> float:
        return round(sum(f.points for f in self.functions.values()), 6)

    @property
    def headline(self) -> str:
        if self.error:
            return self.error
        conform = sum(f.ok for f in self.functions.values())
        return (f"rnn-conformance {self.called}: {self.suite} suite, {conform} of {len(self.functions)} functions "
                f"conform, {self.score:.4g} of {self.max_score:g} points")

    def __str__(self) -> str:
        if self.error:
            return self.error
        lines = [self.headline, *(f"note: {note}" for note in self.notes)]
        lines += [f.line for f in self.functions.values()]
        for f in self.functions.values():
            for item, verdict in f.failing:
                lines += ["", f"[{self.suite} {item.name}]", verdict.message or item.outcome]
        return "\n".join(lines)

    def __repr__(self) -> str:  # `>>> check(f)` in a terminal shows the report, as Jupyter shows the HTML
        return str(self)

    def _repr_html_(self) -> str:
        from conformance.reports.check_html import render_html

        return render_html(self)


def failed(message: str) -> CheckResult:
    """A check that judged nothing: ``message`` is the one line the user reads."""
    return CheckResult(called=message.partition(":")[0], error=message)


def build(called: str, suite: Suite, reason: str, names: list[str], refs: list[CaseRef], verdicts: list[Verdict],
          notes: list[str]) -> CheckResult:
    """The result of running ``refs`` (each with its verdict) for the functions ``names``."""
    items, points = score_items(suite, refs, [(verdict, 0.0) for verdict in verdicts])
    rows = [{"function": ref.function, "case": ref.case_id, "kind": ref.kind, "outcome": v.outcome,
             "message": v.message, "misconceptions": v.ids, "warnings": v.warnings,
             "supplied": v.details.get("supplied", "")} for ref, v in zip(refs, verdicts)]
    report = conformance_report(called, suite.name, suite, rows)["functions"]
    by_name = {ref.name: verdict for ref, verdict in zip(refs, verdicts)}
    functions = {}
    for name in names:
        mine = [item for item in items if item.function == name]
        functions[name] = FunctionResult(name, report[name]["status"], points[name]["points"],
                                         points[name]["earned"], mine, {i.name: by_name[i.name] for i in mine},
                                         function_line(name, report[name]), report[name]["misconceptions"])
    return CheckResult(called, suite.name, reason, functions, notes=notes)
