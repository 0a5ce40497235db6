"""The smallest ``--memory-mb`` at which the correct bundled submission keeps full marks.

``--memory-mb`` is what the worker may allocate on top of what it has mapped when it starts;
below some floor the worker's own machinery (decoding arguments, the target's small arrays,
encoding results) runs out and a correct submission loses points. The grader refuses values
below ``conformance.grading.grade.MIN_MEMORY_MB``; this measures the floor that constant must sit above.

    python benchmarks/memory_floor.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from conformance.contract.spec import load_all
from conformance.grading import grade as g
from conformance.grading.grade_submission import grade_submission

ALICE = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "alice"


def score(memory_mb: int, suites: dict) -> tuple[float, float, str]:
    job = {"index": 0, "name": "alice", "source": str(ALICE), "file": str(ALICE / "rnn_utils.py"), "error": "",
           "suite": "dlai", "timeout": 10.0, "memory_mb": memory_mb, "random_cases": g.DEFAULT_RANDOM_CASES,
           "random_seed": 0, "isolate": True, "hide": [tempfile.gettempdir()]}
    result = grade_submission(job, suites)
    return result.score, result.max_score, result.message.splitlines()[0] if result.message else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    suites = load_all()
    print(f"{'memory_mb':>10}  scores (max {score(1024, suites)[1]:g})")
    for mb in (1, 2, 4, 8, 12, 16, 24, 32, 48, 64):
        runs = [score(mb, suites) for _ in range(args.repeat)]
        print(f"{mb:>10}  " + ", ".join(f"{s:g}" for s, _, _ in runs) + (f"   ({runs[0][2][:80]})" if runs[0][2] else ""))
    print(f"grader minimum (MIN_MEMORY_MB): {g.MIN_MEMORY_MB}")


if __name__ == "__main__":
    main()
