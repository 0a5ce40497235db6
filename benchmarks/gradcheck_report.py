"""Largest disagreement between each backward and central finite differences.

Runs the same table as ``tests/test_gradients.py`` (``tests/gradient_cases.py``)
against a module of each suite (the oracle unless told otherwise) and prints, per
function, the worst normwise relative error (what the test asserts < 1e-7) and the
worst elementwise one (cs231n's, for comparison), with the gradient and case behind it.

    python benchmarks/gradcheck_report.py [--h 1e-5] [--dlai MODULE] [--cs231n MODULE]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from conformance.judging.gradients.numerical import normwise_relative_error, relative_error

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the shared gradient table
from gradient_cases import cases, run_check, seed_of  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--h", type=float, default=1e-5, help="finite-difference step")
    parser.add_argument("--dlai", default="oracle.dlai", help="module of the dlai suite")
    parser.add_argument("--cs231n", default="oracle.cs231n", help="module of the cs231n suite")
    options = parser.parse_args()
    modules = {s: importlib.import_module(getattr(options, s)) for s in ("dlai", "cs231n")}

    worst: dict[str, tuple[float, str, float, str]] = {}
    start = time.perf_counter()
    for case_id, check, dims in cases():
        for pair in run_check(check, dims, modules[check.suite], seed_of(case_id), h=options.h):
            norm = normwise_relative_error(pair.got, pair.expected)
            elem = relative_error(pair.got, pair.expected)
            key = f"{check.suite}.{check.name}"
            old = worst.get(key, (-1.0, "", -1.0, ""))
            label = f"{pair.name} {case_id.split('-', 1)[1]}"
            worst[key] = (*max(old[:2], (norm, label)), *max(old[2:], (elem, label)))
    elapsed = time.perf_counter() - start

    print(f"h={options.h:g}, {len(cases())} cases in {elapsed:.2f} s")
    print(f"{'function':<34} {'normwise':>9}  {'at':<24} {'elementwise':>11}  at")
    for key in sorted(worst):
        norm, norm_at, elem, elem_at = worst[key]
        print(f"{key:<34} {norm:9.2e}  {norm_at:<24} {elem:11.2e}  {elem_at}")


if __name__ == "__main__":
    main()
