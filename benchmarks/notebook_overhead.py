"""What a notebook costs over the same code as a .py file: ``pytest --target`` on each (the
student loop), and ``grade`` on a class of N of each, interleaved, median of --repeat runs.

    python benchmarks/notebook_overhead.py [--repeat 3] [--class-size 10]

The notebook is the bundled examples/my_rnn.py laid out as the course lays it out
(tests/notebooks.py: header imports and magics, a test cell after each function).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from notebooks import course_notebook, write_notebook  # noqa: E402 - the course layout lives with the tests

SOURCE = ROOT / "examples" / "my_rnn.py"


def wall(command: list[str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for k in range(options.class_size):
            (base / "py").mkdir(exist_ok=True)
            (base / "py" / f"s{k}.py").write_text("from rnn_utils import *\n" + SOURCE.read_text())
            write_notebook(base / "nb" / f"s{k}.ipynb", course_notebook(SOURCE.read_text()))
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        grade = [sys.executable, "-m", "conformance.cli", "grade", "--suite", "dlai", "--random-cases", "0"]
        runs = {"pytest --target, .py": [*pytest, f"--target={base / 'py' / 's0.py'}"],
                "pytest --target, .ipynb": [*pytest, f"--target={base / 'nb' / 's0.ipynb'}"],
                f"grade {options.class_size} .py": [*grade, *map(str, sorted((base / "py").iterdir())), "--out",
                                                    str(base / "out_py"), "--force"],
                f"grade {options.class_size} .ipynb": [*grade, *map(str, sorted((base / "nb").iterdir())), "--out",
                                                       str(base / "out_nb"), "--force"]}
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(options.repeat):  # interleaved, so drift hits every mode alike
            for name, command in runs.items():
                times[name].append(wall(command, folder))
    medians = {name: statistics.median(t) for name, t in times.items()}
    names = list(medians)
    for name in names:
        print(f"{name:28s} {medians[name]:6.2f} s (median of {options.repeat})")
    for py, nb in ((names[0], names[1]), (names[2], names[3])):
        print(f"{nb} / {py}: {medians[nb] / medians[py]:.2f}x")


if __name__ == "__main__":
    main()
