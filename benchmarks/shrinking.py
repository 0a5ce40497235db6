"""What finding the smallest failing case costs, over the corpus of known mistakes (tests/mistakes/).

    python benchmarks/shrinking.py [--suite dlai] [--limit 20] [--budget 1.0] [--isolated] [--json out.json]

For every corpus file (of a suite, the first --limit in name order) and every function it breaks:
its first failing visible case, judged as an item, then shrunk (Harness.smallest), the target
in-process or (--isolated) in its worker, as pytest --target runs it by default. Reports
the added seconds per failing function (median, mean, max), attempts, how many shrank, how many hit
the budget, and the median number of input elements printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from mistakes.corpus import mutants, target  # noqa: E402 - the corpus lives with the tests

from conformance.contract.cases import CaseRef  # noqa: E402
from conformance.contract.spec import load_all  # noqa: E402
from conformance.judging.harness import Harness  # noqa: E402
from conformance.running.isolation import IsolatedTarget  # noqa: E402
from conformance.running.target import load_target  # noqa: E402


def measure(suite_name: str, limit: int, budget: float, isolated: bool = False) -> dict:
    suites = load_all()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mutant in mutants(suite_name)[:limit]:
            file = str(target(mutant, Path(tmp)))
            module = IsolatedTarget(file) if isolated else load_target(file)
            harness = Harness(module, suites[mutant.suite], shrink_budget=0)  # items not shrunk: by hand, timed
            for function in mutant.shows_in:
                spec = harness.suite.specs.get(function)
                if spec is None:
                    continue
                for case in spec.cases:
                    ref = CaseRef(function, case["id"], "fixture")
                    verdict = harness.run(ref)
                    if verdict.outcome == "fail" and verdict.wrong_outputs:
                        started = time.perf_counter()
                        harness.shrink_budget = budget
                        smallest = harness.smallest(ref, verdict)
                        harness.shrink_budget = 0
                        seconds = time.perf_counter() - started
                        rows.append({"mutant": mutant.name, "function": function, "case": case["id"],
                                     "seconds": seconds, "found": smallest is not None,
                                     "shrunk": bool(smallest and smallest.shrunk),
                                     "complete": bool(smallest and smallest.complete),
                                     "attempts": smallest.attempts if smallest else 0,
                                     "dims": smallest.dims if smallest else None,
                                     "original": smallest.original if smallest else None,
                                     "printed": sum(v.size for v in smallest.inputs.values()) if smallest else 0})
                        break
            if isolated:
                module.close()
    secs = [r["seconds"] for r in rows] or [0.0]
    return {"suite": suite_name, "budget_s": budget, "isolated": isolated, "failing_functions": len(rows),
            "seconds_median": statistics.median(secs), "seconds_mean": statistics.fmean(secs),
            "seconds_max": max(secs), "found": sum(r["found"] for r in rows),
            "shrunk": sum(r["shrunk"] for r in rows), "hit_budget": sum(r["found"] and not r["complete"] for r in rows),
            "attempts_mean": statistics.fmean([r["attempts"] for r in rows] or [0]),
            "printed_elements_median": statistics.median([r["printed"] for r in rows if r["found"]] or [0]),
            "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="dlai")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--budget", type=float, default=1.0)
    parser.add_argument("--isolated", action="store_true", help="the target in an isolated worker")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    result = measure(args.suite, args.limit, args.budget, args.isolated)
    where = "isolated" if args.isolated else "in-process"
    print(f"{result['suite']} ({where}): {result['failing_functions']} failing functions, budget {result['budget_s']} s")
    print(f"added per failing function: median {result['seconds_median']:.3f} s, mean {result['seconds_mean']:.3f} s, "
          f"max {result['seconds_max']:.3f} s; {result['attempts_mean']:.1f} attempts on average")
    print(f"smallest found {result['found']}, shrunk {result['shrunk']}, stopped by the budget "
          f"{result['hit_budget']}; median elements printed {result['printed_elements_median']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
