"""Cost of the class report (``class_report.write_report``: report.html and its figures) at
the end of ``rnn-conformance grade``.

The class: the bundled examples that return, the seeds, a file that cannot be imported, then
the known-mistake corpus (tests/mistakes/, both suites, interleaved): 100 submissions by
default, mixed, with real failure reasons. It is graded once, in-process, without a
report; its summary and results are saved as JSON (``--save``) and can be reused (``--data``)
so that two versions of the code draw the same class.

Every measurement runs in a fresh interpreter that has already imported what the grader
loads anyway (numpy, the spec, the catalogue, the summary writers), then times:

- import: ``conformance.reports.class_report`` and ``conformance.reports.class_figures`` (and whatever they
  pull in, e.g. a plotting library), the fixed cost a grading run pays once;
- first: the first write_report call after that import (caches, fonts);
- warm: the median of ``--repeats`` more calls.

``--against REF`` also measures the code of a git ref (its conformance/, oracle/, spec/
exported to a temporary folder) on the same class, alternating the two versions so that
machine noise hits both: the ratio is REF / this checkout.

    python benchmarks/class_report_bench.py [--size 100] [--repeats 7] [--rounds 3] [--against main]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
TARGETS = ROOT / "tests" / "targets"
# dave hangs and erin exits: the grader's business, not the report's (in-process they would cost seconds)
EXAMPLE_NAMES = ("alice", "bob.py", "carol", "frank.ipynb")
SEEDS = ("seed000_aliases.py", "seed001_dlai.py", "seed002_dlai.py", "seed003_cs231n.py", "seed004_dlai.py",
         "float32_rewrite.py", "missing_functions.py", "syntax_error.py")

# Runs in the fresh interpreter: argv = data file, output folder, repeats. Prints one JSON line.
_CHILD = r"""
import importlib, json, sys, time
from pathlib import Path
from conformance.contract import catalogue, spec
from conformance.reports import grade_reports  # what the grader has loaded anyway
from conformance.judging.scoring import SubmissionResult
data = json.loads(Path(sys.argv[1]).read_text())
summary, results = data["summary"], [SubmissionResult.from_dict(r) for r in data["results"]]
out, repeats = Path(sys.argv[2]), int(sys.argv[3])
before = set(sys.modules)
t = time.perf_counter()
class_report = importlib.import_module("conformance.reports.class_report")
importlib.import_module("conformance.reports.class_figures")
imported = time.perf_counter() - t
t = time.perf_counter(); page = class_report.write_report(out, summary, results); first = time.perf_counter() - t
warm = []
for _ in range(repeats):
    t = time.perf_counter(); class_report.write_report(out, summary, results); warm.append(time.perf_counter() - t)
figures = sorted((out / class_report.FIGURES_DIR).iterdir())
code = Path(sys.modules["conformance"].__file__).parent.parent
print(json.dumps({"code": str(code), "import": imported, "first": first, "warm": warm,
                  "modules": len(set(sys.modules) - before), "html_bytes": page.stat().st_size,
                  "figure_bytes": sum(p.stat().st_size for p in figures), "figures": len(figures)}))
"""


def build_class(size: int, scratch: Path) -> list[Path]:
    """size submissions: the examples and seeds, then corpus mutants of both suites, alternating."""
    sys.path.insert(0, str(ROOT / "tests"))
    from mistakes import corpus

    picked = [EXAMPLES / n for n in EXAMPLE_NAMES] + [TARGETS / n for n in SEEDS]
    dlai, cs231n = corpus.mutants("dlai"), corpus.mutants("cs231n")
    mixed = [m for pair in zip(dlai, cs231n) for m in pair] + dlai[len(cs231n):] + cs231n[len(dlai):]
    folder = scratch / "class"
    for mutant in mixed[:max(0, size - len(picked))]:
        picked.append(corpus.target(mutant, folder))
    return picked[:size]


def grade_class(size: int, scratch: Path) -> dict:
    from conformance.grading.grade import grade

    out = scratch / "graded"
    results = grade(build_class(size, scratch), out, jobs=2, random_cases=2, random_seed=7, isolate=False,
                    progress=False, report=False)
    return {"summary": json.loads((out / "summary.json").read_text()), "results": [r.to_dict() for r in results]}


def export_ref(ref: str, scratch: Path) -> Path:
    """The ref's code and spec as a checkout-like folder (pyproject.toml beside spec/)."""
    folder = scratch / f"ref-{ref.replace('/', '_')}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "conformance", "oracle", "spec",
                              "pyproject.toml"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def measure(code: Path, data: Path, out: Path, repeats: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(data), str(out), str(repeats)], cwd=code, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"the measurement failed in {code}:\n{done.stderr}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if Path(measured["code"]).resolve() != code.resolve():  # an editable install must not shadow the ref
        raise SystemExit(f"measured the code in {measured['code']}, not {code}")
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100, help="submissions in the class (default 100)")
    parser.add_argument("--repeats", type=int, default=7, help="warm write_report calls per process (default 7)")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per version (default 3)")
    parser.add_argument("--data", type=Path, help="a class saved by --save (skips grading)")
    parser.add_argument("--save", type=Path, help="save the graded class here as JSON")
    parser.add_argument("--against", metavar="REF", help="also measure this git ref's code; ratio = REF / this")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="class-report-bench-") as tmp:
        scratch = Path(tmp)
        data = options.data
        if data is None:
            data = options.save or scratch / "class.json"
            data.write_text(json.dumps(grade_class(options.size, scratch)))
        saved = json.loads(data.read_text())
        suites = {name: s["graded"] for name, s in saved["summary"]["suites"].items()}
        print(f"class: {len(saved['results'])} submissions, graded per suite {suites}")

        versions = {"this checkout": ROOT}
        if options.against:
            versions = {options.against: export_ref(options.against, scratch), **versions}
        runs: dict[str, list[dict]] = {name: [] for name in versions}
        for k in range(options.rounds):  # alternate: a noisy stretch of the machine hits both versions
            for name, code in versions.items():
                runs[name].append(measure(code, data, scratch / f"out-{len(runs[name])}-{k}-{name}", options.repeats))

        print(f"{'version':<16} {'import s':>9} {'first s':>8} {'warm s':>8} {'import+first':>13} "
              f"{'modules':>8} {'html kB':>8} {'figs kB':>8}")
        rows = {}
        for name, measured in runs.items():
            row = {"import": statistics.median(m["import"] for m in measured),
                   "first": statistics.median(m["first"] for m in measured),
                   "warm": statistics.median(w for m in measured for w in m["warm"])}
            row["cold"] = row["import"] + row["first"]
            rows[name] = row
            last = measured[-1]
            print(f"{name:<16} {row['import']:>9.3f} {row['first']:>8.3f} {row['warm']:>8.3f} {row['cold']:>13.3f} "
                  f"{last['modules']:>8} {last['html_bytes'] / 1e3:>8.0f} {last['figure_bytes'] / 1e3:>8.0f}")
        if options.against:
            before, after = rows[options.against], rows["this checkout"]
            print(f"ratio {options.against} / this checkout: import+first {before['cold'] / after['cold']:.1f}x, "
                  f"warm {before['warm'] / after['warm']:.1f}x")
        print("import: the report modules in a fresh process; first: the first call after it; warm: median of the rest")


if __name__ == "__main__":
    main()
