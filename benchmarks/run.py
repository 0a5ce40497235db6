"""One benchmark run: the student loop, grading throughput, class-size growth, sequence-length
growth and the oracle against PyTorch, each as ratios to a baseline measured in the same run.

    python benchmarks/run.py [--quick] [--only SECTION]... [--json PATH] [--sizes 10,100,1000]

Prints a plain-text table per section as it finishes and writes every figure, with the machine
it ran on, to --json (default benchmarks/results.json), rewritten after each section. Absolute
times drift by tens of percent on a shared machine: compare ratios, not seconds, between runs.
A full run grades ~1,800 submissions (4 x 100, then 10 + 100 + 1000, then 3 x 100 on Dask): at
~8 submissions/s that is most of its ~5 minutes; --sizes 10,100 shortens it.
Sections (--only, repeatable; default all, in this order):

  student   wall time of `pytest --target=FILE` vs bare pytest with as many items
  grading   grade() of N copies of the correct submission: isolated / in-process, --jobs 1 / 2
  sizes     isolated --jobs 2 at several class sizes: seconds per submission, fixed cost
  cluster   the same copies on Dask (--scheduler local:2, and a running 2-worker cluster) vs --jobs 2
  sequence  the oracle's and the harness's LSTM cost as T grows: time per step
  torch     the cs231n oracle vs torch.nn.LSTM / RNN on the CPU (needs the crosscheck extra)
  oracle    the cs231n oracle vs its baseline commits, torch and the DGEMM rate (benchmarks/oracle_speed.py)
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT)]  # the sections package; this checkout's code

import numpy as np  # noqa: E402
from sections import cluster, grading, oracle_speed, sequence, student, versus_torch  # noqa: E402
from sections.common import Section, Settings, render  # noqa: E402

SECTIONS: dict[str, Callable[[Settings], Section]] = {
    "student": student.run, "grading": grading.throughput, "sizes": grading.class_sizes,
    "cluster": cluster.run,
    "sequence": sequence.run, "torch": versus_torch.run,  # torch last: nothing forks after it is imported
    "oracle": lambda settings: oracle_speed.run(settings.torch_repeat, dims=settings.torch_dims),  # imports torch too
}
FULL = {"repeat": 5, "grade_repeat": 1, "copies": 100, "sizes": (10, 100, 1000), "lengths": (8, 16, 32, 64, 128),
        "torch_dims": {"N": 64, "T": 64, "D": 128, "H": 256}, "torch_repeat": 5, "budget_s": 1.0}
QUICK = {"repeat": 1, "grade_repeat": 1, "copies": 4, "sizes": (4, 8), "lengths": (8, 16),
         "torch_dims": {"N": 4, "T": 8, "D": 16, "H": 32}, "torch_repeat": 2, "budget_s": 0.2}


def int_list(text: str) -> tuple[int, ...]:
    """'10,100,1000' -> (10, 100, 1000); every value a positive integer."""
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def positive(text: str) -> int:
    """A positive integer option."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line; options left out take the --quick or the full default."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes for a smoke run: repeat 1, 4 copies, sizes 4,8, T up to 16")
    parser.add_argument("--only", action="append", choices=list(SECTIONS), metavar="SECTION",
                        help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json",
                        help="where to write the figures (default benchmarks/results.json)")
    parser.add_argument("--repeat", type=positive, help="student loop: timed runs per mode (default 5)")
    parser.add_argument("--grade-repeat", type=positive, help="grading, sizes: timed runs per mode (default 1)")
    parser.add_argument("--copies", type=positive, help="grading: copies of the correct submission (default 100)")
    parser.add_argument("--sizes", type=int_list, help="sizes: class sizes (default 10,100,1000)")
    parser.add_argument("--lengths", type=int_list, help="sequence: values of T (default 8,16,32,64,128)")
    return parser.parse_args(argv)


def settings_from(options: argparse.Namespace) -> Settings:
    """The --quick or full defaults, overridden by the options given."""
    chosen = dict(QUICK if options.quick else FULL)
    for name in ("repeat", "grade_repeat", "copies", "sizes", "lengths"):
        if getattr(options, name) is not None:
            chosen[name] = getattr(options, name)
    return Settings(**chosen)


def run_git(*args: str) -> str:
    """A git command's stdout in this checkout, or '' when git cannot say."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return ""


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ('unknown' elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def package_version(name: str) -> str | None:
    """An installed distribution's version without importing it (torch takes seconds)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """What the figures were measured on, and when."""
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    return {"cores": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(), "cpu_model": cpu_model(),
            "load_average_at_start": list(os.getloadavg()), "python": platform.python_version(),
            "numpy": np.__version__, "numpy_blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
            "torch": package_version("torch"), "pytest": package_version("pytest"),
            "blas_thread_env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))},
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "git_commit": run_git("rev-parse", "HEAD"), "git_dirty": bool(run_git("status", "--porcelain"))}


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write ``document`` to ``path`` whole (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=1) + "\n")
    temporary.replace(path)


MAIN_PID = os.getpid()


def exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the run as Ctrl-C would: temporary folders are removed, pools shut down.
    A process forked from this one (the grader's pool) inherits the handler: it dies as by default."""
    if os.getpid() != MAIN_PID:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections in order, printing each table and rewriting the JSON after each."""
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    options = parse(argv)
    settings = settings_from(options)
    names = [name for name in SECTIONS if not options.only or name in options.only]
    machine = machine_info()
    print(f"{machine['cpu_model']}, {machine['cores']} cores, load {machine['load_average_at_start'][0]:.2f}; "
          f"Python {machine['python']}, numpy {machine['numpy']}, commit {machine['git_commit'][:12]}"
          f"{' (dirty)' if machine['git_dirty'] else ''}", flush=True)
    document: dict[str, Any] = {"machine": machine, "settings": {**vars(settings), "quick": options.quick},
                                "sections": {}}
    started = time.perf_counter()
    for name in names:
        section_started = time.perf_counter()
        section = SECTIONS[name](settings)
        section.data["section_s"] = time.perf_counter() - section_started
        document["sections"][name] = {"title": section.title, **section.data}
        document["total_s"] = time.perf_counter() - started
        write_json(options.json, document)
        print(f"\n{render(section)}", flush=True)
    document["machine"]["load_average_at_end"] = list(os.getloadavg())
    write_json(options.json, document)
    print(f"\n{len(names)} sections in {document.get('total_s', 0):.0f} s; figures in {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
