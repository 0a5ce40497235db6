#!/usr/bin/env python3
"""Build the autograder zip an instructor uploads to Gradescope (see README.md here).

    python examples/gradescope/build_autograder.py --suite dlai --random-seed 8675309 --out autograder.zip

Builds this checkout's wheel (``pip wheel --no-deps``: the package is not on PyPI) from a clean
copy, and zips, at the root of the archive as Gradescope requires: ``setup.sh`` and
``run_autograder`` (executable), the wheel, and ``config.sh`` with the settings given here,
which ``run_autograder`` reads. Needs only Python and pip.
"""

from __future__ import annotations

import argparse
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
# Copied without these: setuptools would reuse a stale build/, and the zip may be written inside the checkout.
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__",
                              ".pytest_cache", "grades", "*.zip", "*.whl")
# the suites are the folders of spec/ with a suite.json (read here: this script may run before an install)
SUITES = tuple(sorted(f.parent.name for f in (CHECKOUT / "spec").glob("*/suite.json")))
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same inputs make the same zip


def build_wheel(work: Path) -> Path:
    """This checkout's wheel, built in ``work`` from a clean copy."""
    source = work / "checkout"
    shutil.copytree(CHECKOUT, source, ignore=SKIP)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(source)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        raise SystemExit(f"build_autograder: pip wheel failed:\n{built.stdout}{built.stderr}")
    (wheel,) = work.glob("rnn_conformance-*.whl")
    return wheel


def config_text(args: argparse.Namespace) -> str:
    """config.sh: shell assignments run_autograder sources (values checked by argparse: no quoting needed)."""
    lines = ["# rnn-conformance autograder settings, written by build_autograder.py; read by run_autograder.",
             f"SUITE={args.suite}"]
    if args.random_seed is not None:
        lines.append(f"RANDOM_SEED={args.random_seed}  # secret: it draws the hidden cases")
    for name, value in (("RANDOM_CASES", args.random_cases), ("TIMEOUT", args.timeout),
                        ("MEMORY_MB", args.memory_mb), ("MAX_SECONDS", args.max_seconds)):
        if value is not None:
            lines.append(f"{name}={value:g}")
    return "\n".join(lines) + "\n"


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.external_attr = (stat.S_IFREG | mode) << 16  # unzip restores it: run_autograder stays executable
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_zip(out: Path, args: argparse.Namespace) -> list[str]:
    """Write the autograder zip to ``out``; the names it holds."""
    with tempfile.TemporaryDirectory(prefix="build-autograder-") as work:
        wheel = build_wheel(Path(work))
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w") as archive:
            _add(archive, "setup.sh", (HERE / "setup.sh").read_bytes(), 0o755)
            _add(archive, "run_autograder", (HERE / "run_autograder").read_bytes(), 0o755)
            _add(archive, "config.sh", config_text(args).encode(), 0o600)
            _add(archive, wheel.name, wheel.read_bytes(), 0o644)
            return archive.namelist()


def _number(kind: type, minimum: float):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {'an integer' if kind is int else 'a number'}, got {text!r}")
        if not minimum <= value < float("inf"):
            raise argparse.ArgumentTypeError(f"must be at least {minimum:g} (got {text})")
        return value
    return parse


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("autograder.zip"), help="the zip to write")
    parser.add_argument("--suite", choices=SUITES, required=True, help="the suite the assignment implements")
    parser.add_argument("--random-seed", type=int, help="seed of the hidden cases: choose your own, keep it secret")
    parser.add_argument("--random-cases", type=_number(int, 0), help="hidden random cases per function (default 2)")
    parser.add_argument("--timeout", type=_number(float, 1e-3), help="seconds per call of the student's code")
    parser.add_argument("--memory-mb", type=_number(int, 64), help="memory the student's code may allocate")
    parser.add_argument("--max-seconds", type=_number(int, 1),
                        help="stop grading after this long, and say so (below the assignment's Gradescope timeout)")
    args = parser.parse_args(argv)
    names = build_zip(args.out, args)
    print(f"build_autograder: wrote {args.out} ({', '.join(names)})")
    if args.random_seed is None:
        print("build_autograder: WARNING: no --random-seed: the hidden cases use seed 0, which anyone can read in "
              "this repository; rebuild with your own secret seed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
