"""The class report: ``OUT/report.html``, one self-contained page, and its figures as SVG
files in ``OUT/report/``.

Its numbers come from summary.json's dict (scores, pass rates, timings, timeouts) and, for
the failure reasons, from the graded submissions' items: the same data the summary files
are made of, so the page cannot disagree with them. Every figure is also a table of the
same numbers (readable without the picture, and testable).

Everything a submission controls (its name, file name, messages) is HTML-escaped; the page
has no script and a Content-Security-Policy that allows nothing but inline styles and
``data:`` images, so it makes no request of any kind. The figures are SVG written by our
own small code (``conformance.reports.class_figures``): no plotting library is imported, in the
grading processes or at the end of a run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from conformance.contract import catalogue
from conformance.contract.spec import suite_order
from conformance.judging.scoring import EARNS, ItemResult, SubmissionResult
from conformance.reports import class_figures, class_html, clusters, grade_reports

REPORT_HTML = "report.html"
FIGURES_DIR = "report"  # OUT/report/<suite>_<figure>.svg; "report" is a reserved submission name
TOP_REASONS = 12  # per suite; the rest are counted in one "other reasons" row
SLOWEST = 10
MESSAGE_CHARS = 1500  # of a not-graded submission's reason; results.json has all of it
SCORE_BINS = 10
FIGURE_NAMES = ("score_distribution", "function_pass_rates", "case_pass_rates")
_KIND_ORDER = {"fixture": 0, "random": 1, "gradcheck": 2}
# A number not glued to a letter: counts, indices, values, seconds, exit codes, hidden_<k>.
# Digits after a letter stay (float32, seed003): they name things rather than measure them.
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def failure_reason(item: ItemResult, titles: dict[str, str]) -> str:
    """What a failing item says went wrong, normalised so that one mistake makes one group:
    the known mistakes recognised in it (catalogue titles and ids), else its first line with
    every number masked as ``#``. Hidden random items carry only their redacted text."""
    if item.misconceptions:
        return "; ".join(f"{titles.get(m, m)} [{m}]" for m in item.misconceptions)
    lines = item.shown.splitlines()
    first = lines[0].strip() if lines else item.outcome
    measured, dash, hint = first.partition(" — ")  # a hint after the dash is the harness's fixed text
    return _NUMBER.sub("#", measured) + dash + hint


def failure_reasons(results: list[SubmissionResult], suite: str) -> list[dict[str, Any]]:
    """Groups of failing items of the suite's graded submissions, most widespread first:
    reason, items, submissions, functions. Every failing item is in exactly one group."""
    groups: dict[str, dict[str, Any]] = {}
    titles = catalogue.titles()
    for r in results:
        if r.status != "graded" or r.suite != suite:
            continue  # pass rates are over graded submissions: so are their failures
        for item in r.items:
            if item.outcome in EARNS:
                continue
            g = groups.setdefault(failure_reason(item, titles),
                                  {"items": 0, "submissions": set(), "functions": set()})
            g["items"] += 1
            g["submissions"].add(r.name)
            g["functions"].add(item.function)
    rows = [{"reason": text, "items": g["items"], "submissions": sorted(g["submissions"]),
             "functions": sorted(g["functions"])} for text, g in groups.items()]
    return sorted(rows, key=lambda row: (-len(row["submissions"]), -row["items"], row["reason"]))


def case_columns(suite_summary: dict[str, Any], results: list[SubmissionResult], suite: str) -> list[str]:
    """The heatmap's columns: case ids, fixture cases first (in the order items run), then the
    hidden random cases, then the gradient check."""
    first_seen: dict[str, int] = {}
    for r in results:
        if r.suite == suite and r.status == "graded":
            for item in r.items:
                first_seen.setdefault(item.case, len(first_seen))
    kinds = {c["case"]: c["kind"] for c in suite_summary["cases"].values()}
    return sorted(kinds, key=lambda case: (_KIND_ORDER.get(kinds[case], 3), first_seen.get(case, len(first_seen)),
                                           case))


def score_bins(scores: list[float], max_score: float) -> list[dict[str, Any]]:
    """SCORE_BINS equal ranges over [0, max_score] (the last one closed) and how many scores fall in each."""
    counts, edges = np.histogram(scores, bins=SCORE_BINS, range=(0.0, max_score or 1.0))
    return [{"low": float(edges[k]), "high": float(edges[k + 1]), "count": int(counts[k])}
            for k in range(SCORE_BINS)]


def suite_data(name: str, suite_summary: dict[str, Any], summary: dict[str, Any],
               results: list[SubmissionResult]) -> dict[str, Any]:
    """Everything the report shows about one suite; what it takes from summary.json is copied, not recomputed."""
    scores = [row["score"] for row in summary["results"] if row["suite"] == name and row["status"] == "graded"]
    columns = case_columns(suite_summary, results, name)
    functions = list(suite_summary["functions"])
    matrix = {(c["function"], c["case"]): c for c in suite_summary["cases"].values()}
    reasons = failure_reasons(results, name)
    rest = reasons[TOP_REASONS:]
    return {
        "name": name,
        "graded": suite_summary["graded"],
        "max_score": suite_summary["max_score"],
        "mean_score": suite_summary["mean_score"],
        "median_score": float(np.median(scores)) if scores else None,
        "lowest_score": min(scores) if scores else None,
        "highest_score": max(scores) if scores else None,
        "scores": scores,
        "bins": score_bins(scores, suite_summary["max_score"]),
        "functions": suite_summary["functions"],
        "misconceptions": suite_summary.get("misconceptions", {}),
        "clusters": clusters.report_rows(suite_summary, results),
        "function_names": functions,
        "case_columns": columns,
        "cases": matrix,
        "failing_items": sum(c["graded"] - c["passed"] for c in suite_summary["cases"].values()),
        "reasons": reasons[:TOP_REASONS],
        "other_reasons": {"groups": len(rest), "items": sum(r["items"] for r in rest),
                          "submissions": sorted({n for r in rest for n in r["submissions"]})},
        "figures": {fig: f"{FIGURES_DIR}/{name}_{fig}.svg" for fig in FIGURE_NAMES},
    }


def _cap(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + " ..."


def report_data(summary: dict[str, Any], results: list[SubmissionResult]) -> dict[str, Any]:
    """The whole report as plain data: per suite (in suite order, see spec.suite_order), and
    the submissions worth a look: the slowest, those with a call that timed out, those not graded."""
    rows = summary["results"]
    messages = {r.name: r.message for r in results}
    return {
        "submissions": summary["submissions"],
        "suites": [suite_data(name, summary["suites"][name], summary, results)
                   for name in suite_order(summary["suites"])],
        "slowest": sorted(rows, key=lambda row: (-row["execution_time"], row["submission"]))[:SLOWEST],
        "timed_out": [row for row in rows if row["timed_out"]],
        # the whole reason (summary.json keeps its first line): an import error's is a traceback
        "not_graded": [{**row, "message": _cap(messages.get(row["submission"], row["message"]))}
                       for row in rows if row["status"] != "graded"],
    }


def write_report(out: Path, summary: dict[str, Any], results: list[SubmissionResult]) -> Path:
    """Write OUT/report.html and OUT/report/*.svg; returns the page's path. The files are
    listed in --out's marker first, so a regrade clears them (and nothing else)."""
    data = report_data(summary, results)
    figures = {suite["figures"][fig]: class_figures.draw(fig, suite) for suite in data["suites"]
               for fig in FIGURE_NAMES}
    grade_reports.note_written(out, [REPORT_HTML, *figures])
    for relative, svg in figures.items():
        grade_reports.write_atomic(out / relative, svg)
    page = out / REPORT_HTML
    grade_reports.write_atomic(page, class_html.render(data, figures))
    return page
