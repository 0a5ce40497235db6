"""The conformance JSON report: per function (status, counts) and per case, plus totals."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.spec import Suite


def function_status(outcomes: list[str]) -> str:
    """pass: all passed; missing: the target lacks it; error: some case raised; else fail."""
    if outcomes and all(o == "missing" for o in outcomes):
        return "missing"
    if all(o in ("pass", "skip") for o in outcomes):
        return "pass"
    return "error" if "error" in outcomes else "fail"


def conformance_report(target: str, suite_name: str, suite: Suite, verdicts: Iterable[dict]) -> dict:
    """verdicts: dicts with function, case, kind, outcome, message, misconceptions, warnings
    (one per item run)."""
    by_function: dict[str, list[dict]] = {spec.function: [] for spec in suite}
    for v in verdicts:
        by_function.setdefault(v["function"], []).append(v)
    functions = {}
    for name, items in sorted(by_function.items()):
        outcomes = [v["outcome"] for v in items]
        functions[name] = {
            "status": function_status(outcomes) if items else "not run",
            "passed": outcomes.count("pass"),
            "failed": len(outcomes) - outcomes.count("pass") - outcomes.count("skip"),
            "skipped": outcomes.count("skip"),
            "points": suite.specs[name].points if name in suite.specs else 0,
            "misconceptions": sorted({m for v in items for m in v.get("misconceptions", [])}),
            "cases": [{"case": v["case"], "kind": v["kind"], "outcome": v["outcome"], "message": v["message"],
                       "misconceptions": v.get("misconceptions", []), "warnings": v.get("warnings", [])}
                      for v in sorted(items, key=lambda v: v["case"])],
        }
    all_items = [v for items in by_function.values() for v in items]
    return {
        "target": target, "suite": suite_name,
        "totals": {"items": len(all_items), "passed": sum(v["outcome"] == "pass" for v in all_items),
                   "failed": sum(v["outcome"] not in ("pass", "skip") for v in all_items),
                   "functions_passing": sum(f["status"] == "pass" for f in functions.values()),
                   "functions": len(functions)},
        "functions": functions,
    }
