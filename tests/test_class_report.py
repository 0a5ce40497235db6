"""The class report (OUT/report.html and OUT/report/*.svg) without a browser: its data agrees
with summary.json, its figures print the tables' numbers, submissions cannot inject markup, a
regrade clears exactly its files, and neither grading nor the report loads a plotting library.
test_report_browser.py opens the page in Chromium.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from conformance.reports import class_report
from conformance.reports.grade_reports import MARKER, prepare_out
from conformance.judging.scoring import ItemResult
from conformance.contract.spec import load_all
from conformance.running.submissions import collect
from report_classes import EVIL_FILE, EVIL_IMPORT, EVIL_RAISE, evil_class, run_grade

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
TARGETS = Path(__file__).parent / "targets"
SVG = "{http://www.w3.org/2000/svg}"
EMBEDDED = r'src="data:image/svg\+xml;base64,([^"]+)"'


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> dict:
    """A mixed class: two dlai examples, the cs231n seed, and the markup-carrying pair."""
    tmp = tmp_path_factory.mktemp("mixed")
    out = tmp / "out"
    subs = [EXAMPLES / "alice", EXAMPLES / "bob.py", TARGETS / "seed003_cs231n.py", *evil_class(tmp / "evil")]
    results = run_grade(subs, out, jobs=2, random_cases=1, random_seed=3)
    return {"out": out, "results": results, "summary": json.loads((out / "summary.json").read_text()),
            "html": (out / "report.html").read_text()}


def test_failure_reason_uses_misconceptions_else_masks_numbers_in_the_first_line() -> None:
    titles = {"recurrent-weight-gradient": "recurrent weight gradient from the wrong state"}

    def reason(shown: str, outcome: str = "fail", ids: tuple[str, ...] = ()) -> str:
        return class_report.failure_reason(ItemResult("f", "a", "fixture", outcome, shown, 0, 1, 0, list(ids)), titles)

    shown = ("why: dWaa = dz @ a_prev.T uses a_prev [recurrent-weight-gradient]\n"
             "dWaa: 25 of 25 elements differ (100%), tolerance 1e-07\nworst at [1, 2]: expected 1.15, got 1.04")
    assert reason(shown, ids=("recurrent-weight-gradient",)) == \
        "recurrent weight gradient from the wrong state [recurrent-weight-gradient]"
    first = "yt_pred: 9 of 15 elements are not finite; first at [0, 0]: got nan, expected 4.8e-259 — hint: log(0)"
    assert reason(first) == "yt_pred: # of # elements are not finite; first at [#, #]: got nan, expected # — hint: log(0)"
    assert reason("`f`: exited with code 3 on rnn[hidden_1] (float32)", "error") == \
        "`f`: exited with code # on rnn[hidden_#] (float32)"
    assert reason("hidden case: failed (wrong: dWaa)") == "hidden case: failed (wrong: dWaa)"
    assert reason("", "missing") == "missing"


def test_report_numbers_are_the_summary_numbers(mixed) -> None:
    summary, results = mixed["summary"], mixed["results"]
    data = class_report.report_data(summary, results)
    assert [s["name"] for s in data["suites"]] == ["dlai", "cs231n"]  # canonical order, suites apart
    for suite in data["suites"]:
        s = summary["suites"][suite["name"]]
        assert (suite["graded"], suite["mean_score"], suite["functions"]) == (s["graded"], s["mean_score"],
                                                                                 s["functions"])
        assert sum(b["count"] for b in suite["bins"]) == s["graded"]
        assert {(c["function"], c["case"]) for c in s["cases"].values()} == set(suite["cases"])
        assert {case for _, case in suite["cases"]} == set(suite["case_columns"])
        # every failing item of the suite is in exactly one reason group
        grouped = sum(r["items"] for r in suite["reasons"]) + suite["other_reasons"]["items"]
        assert grouped == suite["failing_items"] == sum(c["graded"] - c["passed"] for c in s["cases"].values())
        assert suite["failing_items"] > 0
    assert [r["submission"] for r in data["not_graded"]] == ["import_markup"]
    assert data["slowest"][0]["execution_time"] == max(r["execution_time"] for r in summary["results"])


def svg_texts(svg: bytes) -> tuple[ET.Element, list[str]]:
    """The document's root (an <svg> with a size) and the texts it shows, in drawing order."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and int(root.get("width")) > 0 and int(root.get("height")) > 0
    return root, [t.text for t in root.iter(f"{SVG}text")]


def test_figures_are_svgs_beside_the_page_and_inside_it(mixed) -> None:
    out, html = mixed["out"], mixed["html"]
    names = sorted(p.name for p in (out / class_report.FIGURES_DIR).iterdir())
    assert names == sorted(f"{s}_{f}.svg" for s in ("dlai", "cs231n") for f in class_report.FIGURE_NAMES)
    embedded = re.findall(EMBEDDED, html)
    assert len(embedded) == len(names)
    on_disk = {(out / class_report.FIGURES_DIR / n).read_bytes() for n in names}
    for svg in on_disk:
        root, _ = svg_texts(svg)
        assert root.find(f"{SVG}title").text  # its accessible name, also when opened on its own
    assert {base64.b64decode(b) for b in embedded} == on_disk
    marker = json.loads((out / MARKER).read_text())
    assert set(marker["files"]) == {"report.html", *(f"report/{n}" for n in names)}


def test_figures_print_the_tables_numbers(mixed) -> None:
    """What a reader sees on each figure: its title, the mean, every function's pass rate,
    every item's pass rate (in its row), the names of functions and cases."""
    figures = mixed["out"] / class_report.FIGURES_DIR
    for suite in class_report.report_data(mixed["summary"], mixed["results"])["suites"]:
        name = suite["name"]
        root, texts = svg_texts((figures / f"{name}_score_distribution.svg").read_bytes())
        title = f"{name}: score distribution ({suite['graded']} graded)"
        assert root.find(f"{SVG}title").text == title and title in texts
        assert f"mean {suite['mean_score']:.2f}" in texts and f"score (of {suite['max_score']:g} points)" in texts

        _, texts = svg_texts((figures / f"{name}_function_pass_rates.svg").read_bytes())
        rates = texts[texts.index(f"{name}: pass rate per function") + 1:]
        for k, function in enumerate(suite["function_names"]):  # each bar: its rate, then its name
            assert rates[2 * k:2 * k + 2] == [f"{100 * suite['functions'][function]['pass_rate']:.0f}%", function]

        _, texts = svg_texts((figures / f"{name}_case_pass_rates.svg").read_bytes())
        for function in suite["function_names"]:  # a row: the function's name, then its cells left to right
            shown = [f"{100 * suite['cases'][function, case]['pass_rate']:.0f}" for case in suite["case_columns"]
                     if (function, case) in suite["cases"]]
            start = texts.index(function) + 1
            assert texts[start:start + len(shown)] == shown, function
        assert Counter(texts) >= Counter(suite["case_columns"])


def test_svg_ticks_are_round_and_its_text_is_escaped() -> None:
    from conformance.reports import svg

    assert svg.ticks(26) == [0, 5, 10, 15, 20, 25]
    assert svg.ticks(1, integer=True) == [0, 1] and svg.ticks(7, integer=True) == [0, 2, 4, 6]
    assert svg.ticks(0.3) == pytest.approx([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    drawing = svg.Drawing(10, 10, "<b>title</b>")
    drawing.text(1, 1, "</text><script>alert(1)</script>")
    root, texts = svg_texts(drawing.svg())
    assert root.find(f"{SVG}title").text == "<b>title</b>" and texts == ["</text><script>alert(1)</script>"]


def test_the_page_requests_nothing_and_runs_nothing(mixed) -> None:
    html = mixed["html"]
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert re.findall(r"\bsrc=['\"](?!data:image/svg\+xml;base64,)", html) == []
    for svg in (base64.b64decode(b).decode() for b in re.findall(EMBEDDED, html)):  # nor do the figures
        assert not re.search(r"<script|<foreignObject|href|\son\w+=|url\((?!#)", svg, re.IGNORECASE)
    assert all(h.startswith(("#", "report/")) for h in re.findall(r"\bhref=['\"]([^'\"]*)", html))
    assert "default-src 'none'" in html  # and the policy forbids whatever an escape might miss


def test_what_submissions_wrote_is_escaped(mixed) -> None:
    html = mixed["html"]
    for markup in (EVIL_FILE, EVIL_RAISE.replace("2", "#"), EVIL_IMPORT):
        assert markup not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.py" in html  # the file name, as text
    assert "&lt;script&gt;alert(#)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html  # a failure reason
    assert "&lt;iframe srcdoc=&#x27;&lt;script&gt;alert(3)" in html  # an import error
    assert "<b>" not in html and "<iframe" not in html


def test_a_regrade_clears_the_report_it_wrote_and_nothing_else(tmp_path: Path, monkeypatch) -> None:
    from conformance.reports import class_figures

    monkeypatch.setattr(class_figures, "draw", lambda figure, suite: b"<svg/>")  # files, not pictures, here
    out = tmp_path / "out"
    dlai = tmp_path / "one_dlai.py"  # one function each: quick to grade, and a report per suite
    dlai.write_text("def softmax(x):\n    return x\n")
    cs231n = tmp_path / "one_cs231n.py"
    cs231n.write_text("def rnn_step_forward(x, prev_h, Wx, Wh, b):\n    return x, None\n")
    run_grade([dlai, cs231n], out, jobs=1)
    assert (out / "report" / "cs231n_case_pass_rates.svg").is_file()
    (out / "report" / "my_notes.txt").write_text("keep me")  # not ours
    prepare_out(out, ["alice"], force=False)
    assert not (out / "report.html").exists()
    assert sorted(p.name for p in (out / "report").iterdir()) == ["my_notes.txt"]
    (out / "report" / "my_notes.txt").unlink()
    run_grade([dlai], out, jobs=1)
    assert sorted(p.name for p in (out / "report").iterdir()) == [f"dlai_{f}.svg" for f in
                                                                  sorted(class_report.FIGURE_NAMES)]
    prepare_out(out, [], force=False)
    assert not (out / "report").exists() and not (out / "report.html").exists()


def test_a_report_that_fails_leaves_every_result_and_summary(tmp_path: Path, monkeypatch) -> None:
    from conformance.reports import class_figures

    def broken(figure, suite):
        raise RuntimeError("the report broke")

    monkeypatch.setattr(class_figures, "draw", broken)
    subs = [tmp_path / "one.py", tmp_path / "two.py"]
    for sub in subs:
        sub.write_text("def softmax(x):\n    return x\n")
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="the report broke"):  # loud, and only after the summaries
        run_grade(subs, out, suite="dlai", jobs=1)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["submissions"]["finished"] == 2 and [r["submission"] for r in summary["results"]] == ["one", "two"]
    assert len((out / "summary.csv").read_text().splitlines()) == 3
    assert (out / "one" / "results.json").is_file() and (out / "two" / "results.json").is_file()
    assert not (out / "report.html").exists()


def test_a_hand_edited_marker_cannot_aim_the_clearing_outside_out(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("keep me")
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"folders": [], "files": ["../victim.txt", str(victim)]}))
    prepare_out(out, [], force=False)
    assert victim.read_text() == "keep me"


def test_a_class_with_nothing_graded_still_gets_a_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_grade([TARGETS / "syntax_error.py"], out, suite="dlai", jobs=1)
    html = (out / "report.html").read_text()
    assert "syntax_error" in html and "SyntaxError" in html and "data:image" not in html
    assert not (out / "report").exists()


def test_report_names_are_reserved_for_the_class(tmp_path: Path) -> None:
    subs = []
    for name in ("report.py", "report.html.py"):
        subs.append(tmp_path / name)
        subs[-1].write_text("def softmax(x):\n    return x\n")
    assert [s.name for s in collect(subs, load_all(), None)] == ["_report", "_report.html"]


def test_neither_grading_nor_the_report_imports_matplotlib() -> None:
    """The grading processes are forked from the CLI's process; the report draws its own SVG."""
    code = ("import sys, conformance.cli, conformance.grading.grade, conformance.reports.class_report, conformance.reports.class_html, "
            "conformance.reports.class_figures; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
