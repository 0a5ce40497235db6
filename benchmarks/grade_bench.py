"""Wall time of ``rnn-conformance grade``: in-process vs isolated, ``--jobs 1`` vs ``--jobs 2``.

Two sets, all measured in one run (absolute times drift between runs, ratios less):

- the bundled examples (examples/submissions/: one right, two buggy, one that hangs, one
  that exits), graded with a short ``--timeout`` so the hanging one costs seconds, not tens;
- N copies of the right submission (alice), generated into a temporary folder.

Prints wall time, submissions per second, and the ratio to in-process ``--jobs 1`` of the
same set; checks that every mode gives the well-behaved submissions the same scores.

    python benchmarks/grade_bench.py [--copies 50] [--timeout 2] [--random-cases 2]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from conformance.grade import grade

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def measure(submissions: list[Path], isolate: bool, jobs: int, timeout: float, random_cases: int,
            scratch: Path) -> tuple[float, dict[str, float]]:
    out = Path(tempfile.mkdtemp(dir=scratch, prefix="out-"))
    started = time.perf_counter()
    results = grade(submissions, out, suite="dlai", jobs=jobs, timeout=timeout, random_cases=random_cases,
                    isolate=isolate, progress=False)
    wall = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    return wall, {r.name: r.score for r in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=50, help="copies of the right submission (default 50)")
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds per call (default 2; the grader's is 10)")
    parser.add_argument("--random-cases", type=int, default=2, help="hidden cases per function (default 2)")
    options = parser.parse_args()

    modes = [(False, 1), (False, 2), (True, 1), (True, 2)]

    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        scratch = Path(tmp)
        copies = []
        for k in range(options.copies):
            folder = scratch / "copies" / f"student{k:03d}"
            folder.mkdir(parents=True)
            shutil.copy(EXAMPLES / "alice" / "rnn_utils.py", folder / "rnn_utils.py")
            copies.append(folder)
        bundled = [p for p in sorted(EXAMPLES.iterdir()) if p.suffix == ".py" or p.is_dir()]
        sets = {"bundled examples": bundled, f"{options.copies} x alice": copies}

        print(f"{'set':<18} {'mode':<11} {'jobs':>4} {'wall s':>8} {'subm/s':>7} {'ratio':>6}")
        for set_name, submissions in sets.items():
            base_wall, base_scores = None, None
            for isolate, jobs in modes:
                wall, scores = measure(submissions, isolate, jobs, options.timeout, options.random_cases, scratch)
                if base_wall is None:
                    base_wall, base_scores = wall, scores
                mode = "isolated" if isolate else "in-process"
                print(f"{set_name:<18} {mode:<11} {jobs:>4} {wall:>8.2f} {len(submissions) / wall:>7.2f} "
                      f"{wall / base_wall:>6.2f}", flush=True)
                # erin exits: in-process it gets an error result, isolated a grade; the rest must agree
                differ = sorted(n for n in scores if n != "erin" and abs(scores[n] - base_scores.get(n, -1)) > 1e-9)
                if differ:
                    print(f"  !! scores differ from in-process --jobs 1 for: {', '.join(differ)}", flush=True)
        print("ratio: wall time / in-process --jobs 1 wall time of the same set")


if __name__ == "__main__":
    main()
