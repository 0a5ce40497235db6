"""How well and how cheaply the diagnosis explains failures, over the corpus of known mistakes
(tests/mistakes/: real-looking implementations, one mistake each, written independently of it).

    python benchmarks/diagnosis.py [--random-cases 1] [--json out.json] [--misses]

For every corpus file, every function it breaks (its "shows in" line) that fails: was it given
the file's id (right), an id the file does not show (wrong), or none. Time: the failing items
judged with the diagnosis on and off (the same items, in-process, interleaved): the extra time
per failing item; and a correct implementation's whole run on and off, where diagnosis never
runs (the ratio should be 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from mistakes.corpus import BASES, mutants, target  # noqa: E402 - the corpus lives with the tests

from conformance.contract.spec import load_all  # noqa: E402
from conformance.judging.harness import Harness  # noqa: E402
from conformance.running.target import load_target  # noqa: E402


def timed_run(module, suite, refs, diagnose: bool) -> tuple[float, list]:
    harness = Harness(module, suite, diagnose=diagnose)
    started = time.perf_counter()
    verdicts = [harness.run(ref) for ref in refs]
    return time.perf_counter() - started, verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--random-cases", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--misses", action="store_true", help="also list each function given no id or a wrong one")
    options = parser.parse_args()
    suites = load_all()
    shares: Counter = Counter()
    by_suite: dict[str, Counter] = {}
    extra, failing_items = 0.0, 0
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for mutant in mutants():
            module = load_target(str(target(mutant, Path(folder))))
            suite = suites[mutant.suite]
            refs = Harness(module, suite).items(options.random_cases)
            off_s, off = timed_run(module, suite, refs, diagnose=False)
            on_s, on = timed_run(module, suite, refs, diagnose=True)
            failing = [k for k, v in enumerate(off) if v.outcome not in ("pass", "skip")]
            failing_items += len(failing)
            extra += on_s - off_s
            for function in mutant.shows_in:
                verdicts = [v for ref, v in zip(refs, on) if ref.function == function]
                if not any(v.outcome not in ("pass", "skip") for v in verdicts):
                    continue  # a warning-only mistake: nothing failed
                given = {i for v in verdicts for i in v.ids}
                wrong = given - {mutant.mistake, *mutant.also}
                verdict = "wrong" if wrong else "right" if mutant.mistake in given else "none"
                shares[verdict] += 1
                if verdict != "right":
                    misses.append(f"{verdict:<6}{mutant.name}: {function}" + (f" given {sorted(wrong)}" if wrong else ""))
                by_suite.setdefault(mutant.suite, Counter())[verdict] += 1
        passing = {}
        for suite_name, base in BASES.items():
            module = load_target(str(base))
            suite = suites[suite_name]
            refs = Harness(module, suite).items(options.random_cases)
            off_s = min(timed_run(module, suite, refs, False)[0] for _ in range(3))
            on_s = min(timed_run(module, suite, refs, True)[0] for _ in range(3))
            passing[suite_name] = {"items": len(refs), "off_s": round(off_s, 4), "on_s": round(on_s, 4),
                                   "ratio": round(on_s / off_s, 3)}
    total = sum(shares.values())
    figures = {
        "corpus_files": len(mutants()),
        "failing_functions": total,
        "right_id": shares["right"], "wrong_id": shares["wrong"], "no_id": shares["none"],
        "share_right": round(shares["right"] / total, 4), "share_wrong": round(shares["wrong"] / total, 4),
        "by_suite": {name: dict(counts) for name, counts in sorted(by_suite.items())},
        "failing_items": failing_items,
        "extra_ms_per_failing_item": round(1000 * extra / max(failing_items, 1), 2),
        "passing_run_on_vs_off": passing,
    }
    print(f"{'failing functions':<34}{total:>8}")
    print(f"{'given the right id':<34}{shares['right']:>8}  ({100 * figures['share_right']:.1f}%)")
    print(f"{'given a wrong id':<34}{shares['wrong']:>8}  ({100 * figures['share_wrong']:.1f}%)")
    print(f"{'given no id':<34}{shares['none']:>8}")
    print(f"{'extra time per failing item':<34}{figures['extra_ms_per_failing_item']:>8} ms "
          f"(over {failing_items} failing items)")
    for name, run in passing.items():
        print(f"{'correct ' + name + ', diagnosis on/off':<34}{run['ratio']:>8}x  "
              f"({run['on_s']:.3f} s vs {run['off_s']:.3f} s, {run['items']} items)")
    if options.misses:
        print("\n".join(["", "functions not given their id:", *misses]))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
