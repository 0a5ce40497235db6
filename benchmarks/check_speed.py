"""How long ``conformance.check`` takes from a notebook cell: the first call in a fresh interpreter
(imports, the spec, the fixtures), then each dlai function alone and the whole suite, after the
first call, median of --repeat calls. Goals (issue 26): one function <= 0.5 s, the suite <= 2 s.

    python benchmarks/check_speed.py [--repeat 5]

Targets: the bundled correct dlai submission (examples/submissions/alice) and the same with the
corpus's wrong lstm_backward (gradient-not-carried: a failing function costs its diagnosis and
the gradient check's element-by-element localisation too). Each is run into a namespace as a
notebook's cells would be. Times are wall-clock on whatever machine runs it: compare, never assert.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from mistakes import corpus  # noqa: E402 - the corpus of known mistakes lives with the tests

CORRECT = ROOT / "examples" / "submissions" / "alice" / "rnn_utils.py"
WRONG = "gradient_not_carried__lstm_da_t_alone"
FIRST_CALL = """
import time
namespace = {"__name__": "__main__"}
exec(compile(open(%r).read(), "<cell>", "exec"), namespace)
started = time.perf_counter()
from conformance import check
check(namespace["rnn_cell_forward"])
print(time.perf_counter() - started)
"""


def notebook(source: str) -> dict:
    """The namespace a notebook holds after running ``source`` as its cells."""
    namespace = {"__name__": "__main__"}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


def median_seconds(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    from conformance import check

    first = subprocess.run([sys.executable, "-c", FIRST_CALL % str(CORRECT)], capture_output=True, text=True,
                           check=True)
    print(f"{'first call in a fresh interpreter (imports included)':58s} {float(first.stdout):6.3f} s")
    mutant = next(m for m in corpus.mutants("dlai") if m.path.stem == WRONG)
    targets = {"correct": notebook(CORRECT.read_text()),
               "wrong lstm_backward": notebook(CORRECT.read_text() + "\n" + mutant.path.read_text())}
    for label, namespace in targets.items():
        check(namespace["softmax"])  # the first call of this kernel: not measured
        rows = {}
        for name in ("softmax", "rnn_cell_forward", "rnn_forward", "lstm_cell_backward", "lstm_backward"):
            rows[f"{label}: {name}"] = median_seconds(lambda: check(namespace[name]), options.repeat)
        # what check() in a cell does: the suite's functions from the caller's globals
        rows[f"{label}: whole suite, check()"] = median_seconds(lambda: eval("check()", {**namespace, "check": check}),
                                                                options.repeat)
        for row, seconds in rows.items():
            goal = 2.0 if "whole suite" in row else 0.5
            print(f"{row:58s} {seconds:6.3f} s  (goal <= {goal:g} s, median of {options.repeat})")


if __name__ == "__main__":
    main()
