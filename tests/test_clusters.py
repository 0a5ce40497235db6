"""Clusters of shared mistakes when a class is graded (conformance.reports.clusters).

A class made of corpus mistakes (tests/mistakes/) on the correct dlai base: three submissions
with the tanh applied twice (two copies, one reformatted and re-commented, and one whose local
variable is renamed: other code, the same wrong outputs), two with da_prev taken from dWaa (a copy
re-commented), and two right ones. Graded in-process (fast; these files are our own), plus
one small run on a Dask LocalCluster (isolated workers, results as plain data).
"""

from __future__ import annotations

import csv
import html
import json
import logging
from pathlib import Path

import dask
import distributed
import pytest

from conformance.grading import cluster
from conformance.grading.grade import grade
from conformance.judging.scoring import ItemResult, SubmissionResult

TESTS = Path(__file__).parent
BASE = (TESTS / "targets" / "_correct_dlai.py").read_text()
TANH = (TESTS / "mistakes" / "dlai" / "activation_derivative__rnn_tanh_twice.py").read_text()
DWAA = (TESTS / "mistakes" / "dlai" / "weights_vs_gradients__rnn_da_prev_from_dWaa.py").read_text()
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def reformatted(source: str) -> str:
    """The same code for the fingerprint: other comments, blank lines, a docstring."""
    assert "# compute the gradient" in source or "dz = " in source
    text = source.replace("# compute the gradient", "#   (my notes) gradient").replace("\n\n", "\n\n\n")
    return text.replace("def rnn_cell_backward(da_next, cache):",
                        'def rnn_cell_backward(da_next, cache):\n    """Backward step, written by me."""')


CLASS = {
    "tanh_a": BASE + TANH,
    "tanh_b": BASE + reformatted(TANH),
    "tanh_c": BASE + TANH.replace("dtanh", "dz"),  # other code (a renamed local), the same wrong outputs
    "dwaa_a": BASE + DWAA,
    "dwaa_b": BASE + reformatted(DWAA),
    "right_a": BASE,
    "right_b": BASE,
}


def write_class(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{name}.py"
        path.write_text(CLASS[name])
        paths.append(path)
    return paths


def run_grade(paths: list[Path], out: Path, **kwargs) -> list[SubmissionResult]:
    kwargs = {"isolate": False, "random_cases": 1, "progress": False, "jobs": 1, **kwargs}
    with pytest.MonkeyPatch.context() as mp:
        for var in THREAD_VARS:  # grade() sets them; restored after
            mp.setenv(var, "1")
        return grade(paths, out, suite="dlai", **kwargs)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, list[SubmissionResult]]:
    root = tmp_path_factory.mktemp("clusters")
    out = root / "out"
    return out, run_grade(write_class(root / "class", list(CLASS)), out)


def by_function(summary: dict, function: str) -> list[dict]:
    return [c for c in summary["suites"]["dlai"]["clusters"] if c["function"] == function]


# ------------------------------------------------------------------------- a graded class

def test_copies_form_one_cluster_and_different_mistakes_never_share_one(graded) -> None:
    out, _ = graded
    summary = json.loads((out / "summary.json").read_text())
    cell = by_function(summary, "rnn_cell_backward")
    assert sorted(sorted(c["submissions"]) for c in cell) == [["dwaa_a", "dwaa_b"], ["tanh_a", "tanh_b", "tanh_c"]]
    for c in summary["suites"]["dlai"]["clusters"]:  # every cluster is one mistake: never a tanh with a dwaa
        assert {name.split("_")[0] for name in c["submissions"]} in ({"tanh"}, {"dwaa"}), c
        assert set(c) >= {"function", "cases", "submissions", "misconceptions", "same_code"}
    tanh = next(c for c in cell if "tanh_a" in c["submissions"])
    assert tanh["misconceptions"] == ["activation-derivative"]
    assert tanh["cases"] and "dxt" in tanh["outputs"] and "dWaa" in tanh["outputs"]
    assert tanh["statement"].startswith("3 submissions return identical wrong ")
    assert "on every case of rnn_cell_backward" in tanh["statement"]


def test_right_answers_never_cluster(graded) -> None:
    out, results = graded
    summary = json.loads((out / "summary.json").read_text())
    members = {name for c in summary["suites"]["dlai"]["clusters"] for name in c["submissions"]}
    assert "right_a" not in members and "right_b" not in members
    # every cluster is of a function the members got wrong: the right lstm functions form none
    assert {c["function"] for c in summary["suites"]["dlai"]["clusters"]} == {"rnn_cell_backward", "rnn_backward"}
    right = next(r for r in results if r.name == "right_a")
    assert all(item.wrong_digest == "" for item in right.items)


def test_same_code_says_whether_the_normalised_code_is_equal(graded) -> None:
    out, _ = graded
    summary = json.loads((out / "summary.json").read_text())
    cell = {tuple(sorted(c["submissions"])): c for c in by_function(summary, "rnn_cell_backward")}
    assert cell[("dwaa_a", "dwaa_b")]["same_code"] is True  # re-commented, reformatted, a docstring added
    assert "code is the same after normalisation" in cell[("dwaa_a", "dwaa_b")]["statement"]
    assert cell[("tanh_a", "tanh_b", "tanh_c")]["same_code"] is False  # tanh_c renamed a local variable
    assert "code differs after normalisation" in cell[("tanh_a", "tanh_b", "tanh_c")]["statement"]


def test_summary_csv_has_a_cluster_column(graded) -> None:
    out, _ = graded
    summary = json.loads((out / "summary.json").read_text())
    with open(out / "summary.csv", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    ids = {name: sorted(c["id"] for c in summary["suites"]["dlai"]["clusters"] if name in c["submissions"])
           for name in CLASS}
    assert all(sorted(rows[name]["clusters"].split()) == ids[name] for name in CLASS)
    assert rows["right_a"]["clusters"] == "" and len(ids["tanh_a"]) == 2  # the cell, and rnn_backward calling it


def test_report_html_has_a_clusters_section(graded) -> None:
    out, _ = graded
    page = (out / "report.html").read_text()
    assert "<h3>Shared wrong outputs</h3>" in page and "<table class='clusters'>" in page
    summary = json.loads((out / "summary.json").read_text())
    for c in summary["suites"]["dlai"]["clusters"]:
        assert f"data-cluster='{c['id']}'" in page
        assert ", ".join(c["submissions"]) in page
    assert "why: " in page.split("<table class='clusters'>")[1]  # a member's verdict, its why: line


def test_the_clusters_section_shows_markup_as_text(tmp_path: Path) -> None:
    """Names and verdict texts reach the page escaped (grade itself sanitises names: built by hand here)."""
    from conformance.reports import class_report, clusters, grade_reports

    evil = "<img src=x onerror=alert(1)>"
    items = [ItemResult("f", "a", "fixture", "fail", f"why: {evil}", 0.0, 1.0, wrong_digest="d1",
                        wrong_outputs=["dx"])]
    results = [result(name, list(items)) for name in (evil, "q")]
    for r in results:
        r.functions = {"f": {"points": 1.0, "earned": 0.0}}
    summary = grade_reports.summary_json(results, 2)
    clusters.add(summary, results)
    page = class_report.write_report(tmp_path, summary, results).read_text()
    section = page.split("<table class='clusters'>")[1].split("</table>")[0]
    assert "<img" not in section
    assert f"{html.escape(evil)}, q</td>" in section and f"why: {html.escape(evil)}" in section


def test_the_digest_stays_out_of_what_a_student_reads(graded) -> None:
    out, results = graded
    tanh = next(r for r in results if r.name == "tanh_a")
    digests = {item.wrong_digest for item in tanh.items if item.wrong_digest}
    assert digests
    for item in tanh.items:
        assert not any(d in item.shown for d in digests)
    shown = (out / "tanh_a" / "results.json").read_text()
    assert not any(d in shown for d in digests)


# --------------------------------------------------------------------------- exactness

def item(function: str, case: str, outcome: str, digest: str = "", kind: str = "fixture") -> ItemResult:
    return ItemResult(function, case, kind, outcome, "shown", 0.0, 1.0, wrong_digest=digest,
                      wrong_outputs=["dx"] if digest else [])


def result(name: str, items: list[ItemResult], prints: dict[str, str] | None = None) -> SubmissionResult:
    return SubmissionResult(name, name, f"{name}.py", "dlai", "graded", items=items, code_prints=prints or {})


def test_a_cluster_needs_the_same_outcome_on_every_item() -> None:
    from conformance.reports import clusters

    same = [item("f", "a", "fail", "d1"), item("f", "b", "pass")]
    found = clusters.find([result("p", same), result("q", list(same)),
                           result("r", [item("f", "a", "fail", "d1"), item("f", "b", "error")]),  # errs on b
                           result("s", [item("f", "a", "fail", "d2"), item("f", "b", "pass")]),  # other bytes
                           result("t", [item("f", "a", "pass"), item("f", "b", "pass")]),
                           result("u", [item("f", "a", "pass"), item("f", "b", "pass")])], "dlai")
    assert [c["submissions"] for c in found] == [["p", "q"]]
    assert found[0]["cases"] == ["a"] and "on 1 of 2 cases of f (a)" in found[0]["statement"]


def test_same_code_needs_a_fingerprint_for_every_member() -> None:
    from conformance.reports import clusters

    items = [item("f", "a", "fail", "d1")]
    found = clusters.find([result("p", items, {"f": "source:x"}), result("q", items, {})], "dlai")
    assert found[0]["same_code"] is False and "was not compared" in found[0]["statement"]


# ------------------------------------------------------------------------------- Dask

def test_clusters_survive_grading_on_a_dask_cluster(tmp_path: Path) -> None:
    paths = write_class(tmp_path / "class", ["tanh_a", "tanh_b", "right_a"])
    with dask.config.set(cluster.LOCAL_CONFIG):
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=":0", silence_logs=logging.ERROR) as local:
            run_grade(paths, tmp_path / "out", isolate=True, jobs=None, random_cases=0, report=False,
                      scheduler=local.scheduler_address)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    found = by_function(summary, "rnn_cell_backward")
    assert [(c["submissions"], c["same_code"]) for c in found] == [(["tanh_a", "tanh_b"], True)]
