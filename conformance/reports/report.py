"""The conformance JSON report: per function (status, counts) and per case, plus totals."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.contract.spec import Suite


def judged(outcomes: list[str]) -> tuple[int, int]:
    """(passed, judged): a skipped item (a function the grader supplied, a check that does not
    apply) was not judged, so it counts neither way."""
    return outcomes.count("pass"), len(outcomes) - outcomes.count("skip")


def function_status(outcomes: list[str], supplied: bool = False) -> str:
    """supplied: the grader supplied it (not judged); missing: the target lacks it; pass: all
    judged items passed; error: some case raised; else fail."""
    if supplied and all(o == "skip" for o in outcomes):
        return "supplied"
    if outcomes and all(o == "missing" for o in outcomes):
        return "missing"
    if all(o in ("pass", "skip") for o in outcomes):
        return "pass"
    return "error" if "error" in outcomes else "fail"


def headline(functions: dict[str, dict]) -> str:
    """"5 of 8 functions conform", over the functions judged (not those supplied or not run)."""
    statuses = [f["status"] for f in functions.values()]
    judged_ones = [s for s in statuses if s not in ("supplied", "not run")]
    text = f"{statuses.count('pass')} of {len(judged_ones)} functions conform"
    if "supplied" in statuses:
        text += f" ({statuses.count('supplied')} supplied by the grader, not judged)"
    return text


def function_line(name: str, f: dict) -> str:
    """One function as a student reads it first: status, name, passed/judged, then what failed
    and why, or for a function that passed, that it warned."""
    if f["status"] == "supplied":
        return f"{'SUPPLIED':8} {name:26}   —     by the grader from the course's {f['supplied']}.py: not judged"
    failing = [c["case"] for c in f["cases"] if c["outcome"] not in ("pass", "skip")]
    detail = "" if not failing else " — failing: " + ", ".join(failing[:6]) + (" ..." if len(failing) > 6 else "")
    if f["status"] == "pass" and (f["misconceptions"] or any(c["warnings"] for c in f["cases"])):
        detail += " — passed, with a warning" + (": " + ", ".join(f["misconceptions"]) if f["misconceptions"] else "")
    elif f["misconceptions"]:
        detail += " — why: " + ", ".join(f["misconceptions"])
    return f"{f['status'].upper():8} {name:26} {f['passed']:3}/{f['judged']:<3}{detail}"


def conformance_report(target: str, suite_name: str, suite: Suite, verdicts: Iterable[dict]) -> dict:
    """verdicts: dicts with function, case, kind, outcome, message, misconceptions, warnings,
    supplied, and optionally smallest (one per item run)."""
    by_function: dict[str, list[dict]] = {spec.function: [] for spec in suite}
    for v in verdicts:
        by_function.setdefault(v["function"], []).append(v)
    functions = {}
    for name, items in sorted(by_function.items()):
        outcomes = [v["outcome"] for v in items]
        supplied = next((v["supplied"] for v in items if v.get("supplied")), "")
        functions[name] = {
            "status": function_status(outcomes, bool(supplied)) if items else "not run",
            "supplied": supplied,  # the course helper module the grader supplied it from, or ""
            "passed": outcomes.count("pass"),
            "judged": judged(outcomes)[1],
            "failed": len(outcomes) - outcomes.count("pass") - outcomes.count("skip"),
            "skipped": outcomes.count("skip"),
            "points": suite.specs[name].points if name in suite.specs else 0,
            "misconceptions": sorted({m for v in items for m in v.get("misconceptions", [])}),
            # the smallest failing case of a failing function (None: not looked for, or not found)
            "smallest": next((v["smallest"] for v in items if v.get("smallest")), None),
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
                   "functions": len(functions),
                   "functions_supplied": sum(f["status"] == "supplied" for f in functions.values())},
        "functions": functions,
    }
