"""Grading throughput and class-size growth: ``conformance.grading.grade.grade`` of N copies of the
correct bundled submission (examples/submissions/alice/) with the grader's default options
(suite detected, 2 hidden random cases per function, 10 s timeout, gradient checks on).

Each run grades with ``report=False`` and then draws the class report itself, as grade() does
at its end (``class_report.write_report`` on summary.json and the results), so the report's
cost is timed apart: the drawing per run, and once per process the import of matplotlib
(which grade() pays on every command-line run).
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from conformance.grading.grade import grade
from conformance.reports import class_report
from sections.common import ALICE, Section, Settings, median, ratio, timed

MODES = (("isolated", True, 1), ("isolated", True, 2), ("in-process", False, 1), ("in-process", False, 2))
GOAL_RATE = 10.0  # submissions/s, isolated --jobs 2
REFERENCE_SIZE = 100  # class-size growth: per-submission time relative to this class size


@dataclass
class GradeRun:
    """One timed grade() of a class: grading, then the class report apart."""

    grade_s: float
    report_s: float  # drawing and writing report.html and its figures
    import_s: float  # importing matplotlib for the report: non-zero only for the first report in a process
    scores: dict[str, float]
    max_score: float

    @property
    def wall_s(self) -> float:
        """Grading plus drawing the report (the import is counted apart: once per process)."""
        return self.grade_s + self.report_s


def make_copies(folder: Path, count: int) -> list[Path]:
    """``count`` submission folders studentNNNN/rnn_utils.py, each a copy of alice's."""
    copies = []
    for k in range(count):
        copy = folder / f"student{k:04d}"
        copy.mkdir(parents=True)
        shutil.copy(ALICE / "rnn_utils.py", copy / "rnn_utils.py")
        copies.append(copy)
    return copies


def import_report_modules() -> float:
    """Seconds spent importing what the class report draws with (0 when already imported)."""
    if "conformance.reports.class_figures" in sys.modules:
        return 0.0
    return timed(importlib.import_module, "conformance.reports.class_figures")[0]


def grade_class(submissions: list[Path], scratch: Path, isolate: bool, jobs: int | None,
                scheduler: str | None = None) -> GradeRun:
    """Grade ``submissions`` into a fresh folder under ``scratch`` with default options (on a
    Dask ``scheduler`` if given), then draw the class report; the folder is removed afterwards."""
    out = Path(tempfile.mkdtemp(dir=scratch, prefix="out-"))
    try:
        grade_s, results = timed(grade, submissions, out, jobs=jobs, isolate=isolate, progress=False, report=False,
                                 scheduler=scheduler)
        import_s = import_report_modules()
        summary = json.loads((out / "summary.json").read_text())
        report_s, _ = timed(class_report.write_report, out, summary, results)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return GradeRun(grade_s, report_s, import_s, {r.name: r.score for r in results},
                    max(r.max_score for r in results))


def summarise(runs: list[GradeRun]) -> dict:
    """Medians of repeated runs of one class in one mode."""
    return {"grade_s": median([r.grade_s for r in runs]), "report_s": median([r.report_s for r in runs]),
            "wall_s": median([r.wall_s for r in runs]), "runs_wall_s": [r.wall_s for r in runs]}


def score_check(runs: list[GradeRun]) -> tuple[bool, str]:
    """Whether every run gave each submission the same score, and a line saying so."""
    first: dict[str, float] = {}
    differ = sorted({n for r in runs for n, v in r.scores.items() if abs(first.setdefault(n, v) - v) > 1e-9})
    if differ:
        return False, f"scores DIFFER between runs for: {', '.join(differ[:10])}"
    values = ", ".join(f"{v:g}" for v in sorted(set(first.values())))
    return True, f"scores identical in all {len(runs)} runs: {values} (of {max(r.max_score for r in runs):g})"


def throughput(settings: Settings) -> Section:
    """Section 2: N copies graded in each mode, interleaved ``grade_repeat`` times."""
    runs: dict[tuple, list[GradeRun]] = {mode: [] for mode in MODES}
    import_s = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        scratch = Path(tmp)
        copies = make_copies(scratch / "class", settings.copies)
        for _ in range(settings.grade_repeat):
            for mode in MODES:
                runs[mode].append(grade_class(copies, scratch, isolate=mode[1], jobs=mode[2]))
                import_s += runs[mode][-1].import_s
    modes = {f"{name} --jobs {jobs}": summarise(runs[(name, isolate, jobs)]) for name, isolate, jobs in MODES}
    base = modes["isolated --jobs 1"]["wall_s"]
    section = Section("grading", f"Grading throughput: {settings.copies} copies of alice, default options, "
                                 f"median of {settings.grade_repeat}",
                      ["mode", "grade s", "report s", "wall s", "subm/s grading", "subm/s with report",
                       "x isolated j1"])
    for label, m in modes.items():
        m.update(submissions_per_s=settings.copies / m["grade_s"],
                 submissions_per_s_with_report=settings.copies / m["wall_s"], ratio_vs_isolated_j1=ratio(m["wall_s"], base))
        section.rows.append([label, m["grade_s"], m["report_s"], m["wall_s"], m["submissions_per_s"],
                             m["submissions_per_s_with_report"], m["ratio_vs_isolated_j1"]])
    same, line = score_check([r for rs in runs.values() for r in rs])
    goal = modes["isolated --jobs 2"]
    section.notes += [f"{import_note(import_s)}; drawing it is 'report s'; wall s = grade s + report s", line,
                      f"goal: isolated --jobs 2 >= {GOAL_RATE:g} submissions/s: {goal['submissions_per_s']:.2f} "
                      f"grading, {goal['submissions_per_s_with_report']:.2f} with the report: "
                      f"{'met' if goal['submissions_per_s'] >= GOAL_RATE else 'NOT met'}"]
    section.data = {"copies": settings.copies, "repeat": settings.grade_repeat, "modes": modes,
                    "report_import_s": import_s, "scores_identical": same,
                    "goal_submissions_per_s": GOAL_RATE, "goal_met": goal["submissions_per_s"] >= GOAL_RATE}
    return section


def import_note(seconds: float) -> str:
    """The line saying what importing matplotlib for the report cost in this section."""
    if seconds == 0:
        return "class report: matplotlib was imported by an earlier section (a run pays it once)"
    return f"class report: matplotlib import {seconds:.2f} s once per run (not in the table)"


def linear_fit(sizes: list[int], walls: list[float]) -> tuple[float, float] | tuple[None, None]:
    """(intercept s, slope s per submission) of a least-squares line wall = a + b * size."""
    if len(set(sizes)) < 2:
        return None, None
    slope, intercept = np.polyfit(np.array(sizes, float), np.array(walls, float), 1)
    return float(intercept), float(slope)


def class_sizes(settings: Settings) -> Section:
    """Section 3: isolated --jobs 2 at each class size; seconds per submission and a linear fit."""
    sizes = sorted(set(settings.sizes))
    reference = REFERENCE_SIZE if REFERENCE_SIZE in sizes else sizes[-1]
    with tempfile.TemporaryDirectory(prefix="bench-sizes-") as tmp:
        scratch = Path(tmp)
        copies = make_copies(scratch / "class", sizes[-1])
        runs = {size: [grade_class(copies[:size], scratch, isolate=True, jobs=2)
                       for _ in range(settings.grade_repeat)] for size in sizes}
    per_size = {size: summarise(r) for size, r in runs.items()}
    import_s = sum(r.import_s for rs in runs.values() for r in rs)
    same, line = score_check([r for rs in runs.values() for r in rs])
    for size, m in per_size.items():
        m["s_per_submission"] = m["wall_s"] / size
    ref = per_size[reference]["s_per_submission"]
    section = Section("sizes", f"Class-size growth: isolated --jobs 2, median of {settings.grade_repeat}",
                      ["submissions", "grade s", "report s", "wall s", "s/subm", f"x size {reference}"])
    for size, m in per_size.items():
        m["ratio_vs_reference"] = ratio(m["s_per_submission"], ref)
        section.rows.append([size, m["grade_s"], m["report_s"], m["wall_s"], m["s_per_submission"],
                             m["ratio_vs_reference"]])
    intercept, slope = linear_fit(sizes, [per_size[s]["wall_s"] for s in sizes])
    if slope is not None:
        section.notes.append(f"linear fit of wall s vs size: fixed cost {intercept:.2f} s + {slope:.4f} s per "
                             f"submission ({1 / slope:.1f} submissions/s at the margin)")
    section.notes += [import_note(import_s), line]
    section.data = {"sizes": {str(s): m for s, m in per_size.items()}, "reference_size": reference,
                    "fit_intercept_s": intercept, "fit_slope_s_per_submission": slope,
                    "report_import_s": import_s, "scores_identical": same, "repeat": settings.grade_repeat}
    return section
