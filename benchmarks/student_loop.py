"""The student loop: wall time of ``pytest --target=examples/my_rnn.py`` isolated (the default)
and ``--in-process``, against a bare pytest run of the same number of trivial items, one run.

    python benchmarks/student_loop.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "examples" / "my_rnn.py"
ITEMS = 89  # the dlai suite's items


def wall(args: list[str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd,
                   capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "test_bare.py").write_text(f"import pytest\n\n@pytest.mark.parametrize('i', range({ITEMS}))\n"
                                               f"def test_item(i):\n    assert i >= 0\n")
        runs = {"bare pytest, 89 trivial items": ["test_bare.py"],
                "--target, isolated (default)": [f"--target={TARGET}"],
                "--target --in-process": [f"--target={TARGET}", "--in-process"]}
        times = {name: [] for name in runs}
        for _ in range(repeat):  # interleaved, so drift hits every mode alike
            for name, args in runs.items():
                times[name].append(wall(args, folder))
    base = statistics.median(times["bare pytest, 89 trivial items"])
    print(f"{'run':36} {'median s':>9} {'x bare':>7}")
    for name, values in times.items():
        print(f"{name:36} {statistics.median(values):9.2f} {statistics.median(values) / base:7.2f}")


if __name__ == "__main__":
    main()
