"""The batch grader (``rnn-conformance grade``): reports, scoring, submission picking, robustness.

Most tests grade in-process (fast; the submissions here are our own); the isolated-mode
tests are at the end (the hostile corpus is in test_hostile.py).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.contract.cases import CaseRef
from conformance.cli import main
from conformance.grading.grade import grade, hidden_from_workers
from conformance.reports.grade_reports import junit as junit_xml
from conformance.grading.grade_submission import all_refs
from conformance.judging.scoring import ItemResult, SubmissionResult, hidden_output, score_items
from conformance.judging.verdict import ERROR, FAIL, PASS, SKIP, Finding, Misconception, Verdict
from conformance.contract.spec import Spec, Suite, load_suite
from conformance.running.submissions import PickError, collect, pick_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"
TARGETS = Path(__file__).parent / "targets"
DLAI = load_suite("dlai")
DLAI_POINTS = sum(spec.points for spec in DLAI)
FUNCTIONS = [spec.function for spec in DLAI]
COLUMNS = [f"dlai.{f}" for f in FUNCTIONS]  # summary.csv names a function column by suite and function
CS231N = load_suite("cs231n")
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

SOFTMAX_OK = "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max(axis=0))\n    return e / e.sum(axis=0)\n"


def run_grade(*args, **kwargs) -> list[SubmissionResult]:
    """grade() in-process without a progress bar or class report (test_class_report.py tests that),
    leaving the environment as it was."""
    kwargs.setdefault("isolate", False)
    kwargs.setdefault("report", False)
    kwargs.setdefault("progress", False)
    kwargs.setdefault("random_cases", 0)
    with pytest.MonkeyPatch.context() as mp:
        for var in THREAD_VARS:  # grade() sets them; restored after
            mp.setenv(var, "1")
        return grade(*args, **kwargs)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def results_json(out: Path, name: str) -> dict:
    return json.loads((out / name / "results.json").read_text())


def read_csv(out: Path) -> list[dict]:
    with open(out / "summary.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, list[SubmissionResult]]:
    """alice (right), bob (seed 004) and carol (seed 002's softmax), two hidden cases each."""
    out = tmp_path_factory.mktemp("graded")
    results = run_grade([EXAMPLES / "alice", EXAMPLES / "bob.py", EXAMPLES / "carol"], out, suite="dlai",
                        jobs=2, random_cases=2, random_seed=7, junit=True)
    return out, results


# ------------------------------------------------------------------------ results.json
def test_a_result_crosses_as_builtins_and_comes_back_equal(graded) -> None:
    """to_dict is dataclasses.asdict's value (built without its deep copies), from_dict its inverse."""
    for result in graded[1]:
        assert result.items and any(item.misconceptions for item in result.items) == (result.name != "alice")
        data = result.to_dict()
        assert data == dataclasses.asdict(result)
        data["items"][0]["misconceptions"].append("changed")  # a copy: the result is untouched
        assert "changed" not in result.items[0].misconceptions
        assert SubmissionResult.from_dict(result.to_dict()) == result



def test_results_json_has_gradescope_fields_and_every_item(graded) -> None:
    out, results = graded
    expected_names = {ref.name for ref in all_refs(DLAI, 2)}
    assert [r.name for r in results] == ["alice", "bob", "carol"]
    for result in results:
        data = results_json(out, result.name)
        assert {"score", "execution_time", "output", "tests"} <= set(data) and "max_score" not in data
        assert data["extra_data"]["max_score"] == pytest.approx(DLAI_POINTS)
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]), abs=1e-6)  # rounded to 6 places
        assert data["execution_time"] > 0
        assert {t["name"] for t in data["tests"]} == expected_names and len(data["tests"]) == len(expected_names)
        for test in data["tests"]:
            assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
            assert test["status"] in ("passed", "failed") and test["max_score"] > 0
            assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0.0)
            hidden = re.search(r"\[hidden_\d+\]$", test["name"]) is not None
            assert test["visibility"] == ("after_due_date" if hidden else "visible")
    assert results_json(out, "alice")["score"] == pytest.approx(DLAI_POINTS)
    assert 0 < results_json(out, "bob")["score"] < DLAI_POINTS


def test_hidden_case_outputs_reveal_no_values(graded) -> None:
    out, results = graded
    bob = {t["name"]: t for t in results_json(out, "bob")["tests"]}
    hidden_failed = [t for n, t in bob.items() if re.search(r"\[hidden_\d+\]$", n) and t["status"] == "failed"]
    assert hidden_failed, "bob must fail hidden cases for this test to mean anything"
    for test in hidden_failed:
        assert not re.search(r"\d", test["output"]), test["output"]
    assert bob["rnn_cell_backward[hidden_1]"]["output"] == \
        "hidden case: failed (wrong: dWaa; why: recurrent-weight-gradient)"
    assert "misconception:recurrent-weight-gradient" in bob["rnn_cell_backward[hidden_1]"]["tags"]
    assert bob["lstm_backward[hidden_1]"]["output"] == "hidden case: the function is missing"
    # the in-memory verdict had the numbers; a visible case still shows them
    assert re.search(r"\d\.\d", bob["rnn_cell_backward[published]"]["output"])


def test_hidden_output_keeps_only_output_names_and_ids() -> None:
    verdict = Verdict(FAIL, [Finding("value", "dWaa", "3 of 25 elements differ (12%)\nworst at [1, 2]: expected "
                                                      "1.150345, got 1.047018", [1, 2], 1.047018, 1.150345),
                             Finding("mutated-input", "xt", "modified its input `xt` in place")],
                      misconceptions=[Misconception("recurrent-weight-gradient", "dWaa = dz a_prev^T", "variant")])
    shown = hidden_output(verdict)
    assert shown == "hidden case: failed (wrong: dWaa; modified an input in place; why: recurrent-weight-gradient)"
    assert hidden_output(Verdict(ERROR, note="`f` raised ValueError: 1.15 != 1.04")) == \
        "hidden case: error (the call raised, crashed or timed out)"


# ------------------------------------------------------------------------ partial credit

def _tiny_suite(points: float, case_ids: list[str]) -> Suite:
    data = {"function": "f", "suite": "dlai", "points": points, "cases": [{"id": c} for c in case_ids],
            "returns": {"kind": "tuple", "items": [{"name": "y", "kind": "array"}]}, "parameters": []}
    return Suite("dlai", {"f": Spec(data, Path("f.json"))})


def test_partial_credit_is_points_over_items_and_skips_keep_their_share() -> None:
    suite = _tiny_suite(3, ["a", "b", "c", "d"])
    refs = [CaseRef("f", c, "fixture") for c in "abc"] + [CaseRef("f", "hidden_1", "random")]
    verdicts = [(Verdict(PASS), 0.0), (Verdict(FAIL, [Finding("value", "y", "wrong")]), 0.0),
                (Verdict(SKIP, note="float32"), 0.0), (Verdict(ERROR, note="boom"), 0.0)]
    items, functions = score_items(suite, refs, verdicts)
    assert [i.max_score for i in items] == [0.75] * 4
    assert [i.score for i in items] == [0.75, 0.0, 0.75, 0.0]
    assert functions == {"f": {"points": 3.0, "earned": 1.5}}
    assert items[2].shown.startswith("skipped, not counted against you")


def test_partial_credit_matches_counts_in_a_real_grade(graded) -> None:
    out, results = graded
    bob = next(r for r in results if r.name == "bob")
    for spec in DLAI:
        items = [i for i in bob.items if i.function == spec.function]
        passed = sum(i.outcome in ("pass", "skip") for i in items)
        assert bob.functions[spec.function]["earned"] == pytest.approx(spec.points * passed / len(items))
    assert bob.functions["lstm_backward"]["earned"] == 0  # seed 004 has no LSTM backward
    assert 0 < bob.functions["rnn_cell_backward"]["earned"] < bob.functions["rnn_cell_backward"]["points"]


# ------------------------------------------------------------------------ class reports

def test_summary_csv_has_one_row_per_submission_and_a_column_per_function(graded) -> None:
    out, results = graded
    rows = read_csv(out)
    header = (out / "summary.csv").read_text().splitlines()[0].split(",")
    assert header == ["submission", "file", "suite", "score", "max_score", *COLUMNS, "status", "matches_reference",
                      "misconceptions", "clusters", "message"]
    assert [r["submission"] for r in rows] == ["alice", "bob", "carol"]
    for row, result in zip(rows, results):
        assert row["status"] == "graded" and row["suite"] == "dlai"
        assert float(row["max_score"]) == pytest.approx(DLAI_POINTS)
        assert float(row["score"]) == pytest.approx(result.score, abs=1e-4)
        assert sum(float(row[c]) for c in COLUMNS) == pytest.approx(float(row["score"]), abs=1e-3)
    assert rows[1]["dlai.lstm_backward"] == "0" and rows[0]["dlai.lstm_backward"] == "4"
    assert rows[2]["file"].endswith("carol_rnn.py")  # not scratch.py: it defines no suite function


def test_summary_json_pass_rates(graded) -> None:
    out, _ = graded
    summary = json.loads((out / "summary.json").read_text())
    assert summary["submissions"] == {"expected": 3, "finished": 3, "graded": 3, "errors": 0}
    dlai = summary["suites"]["dlai"]
    assert dlai["graded"] == 3 and dlai["max_score"] == pytest.approx(DLAI_POINTS)
    # sigmoid: all three right; lstm_backward: bob lacks it; softmax: only alice's is right
    assert dlai["functions"]["sigmoid"]["pass_rate"] == 1.0
    assert dlai["functions"]["lstm_backward"]["pass_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert dlai["functions"]["softmax"]["pass_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert dlai["cases"]["softmax[one_example]"] == {"function": "softmax", "case": "one_example",
                                                     "kind": "fixture", "passed": 3, "graded": 3, "pass_rate": 1.0}
    assert dlai["cases"]["rnn_cell_backward[published]"]["passed"] == 2
    assert len(dlai["cases"]) == len(all_refs(DLAI, 2))


def test_a_mixed_class_keeps_its_suites_apart(tmp_path: Path) -> None:
    """dlai and cs231n both have lstm_backward, sigmoid...: different functions, never one column."""
    out = tmp_path / "out"
    results = run_grade([EXAMPLES / "alice", TARGETS / "seed003_cs231n.py"], out, jobs=2)
    assert [(r.name, r.suite, r.status) for r in results] == [("alice", "dlai", "graded"),
                                                              ("seed003_cs231n", "cs231n", "graded")]
    header = (out / "summary.csv").read_text().splitlines()[0].split(",")
    cs_columns = [f"cs231n.{spec.function}" for spec in CS231N]
    assert header[5:-5] == COLUMNS + cs_columns
    assert {"dlai.lstm_backward", "cs231n.lstm_backward", "dlai.sigmoid", "cs231n.sigmoid"} <= set(header)
    alice, seed003 = read_csv(out)
    assert all(alice[c] != "" for c in COLUMNS) and all(alice[c] == "" for c in cs_columns)
    assert all(seed003[c] != "" for c in cs_columns) and all(seed003[c] == "" for c in COLUMNS)
    assert sum(float(seed003[c]) for c in cs_columns) == pytest.approx(float(seed003["score"]), abs=1e-3)
    assert alice["dlai.lstm_backward"] == "4"
    assert float(seed003["cs231n.lstm_backward"]) == pytest.approx(results[1].functions["lstm_backward"]["earned"],
                                                                   abs=1e-3)
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["suites"]) == {"dlai", "cs231n"}
    for name, suite, result in (("dlai", DLAI, results[0]), ("cs231n", CS231N, results[1])):
        group = summary["suites"][name]
        assert group["graded"] == 1 and group["mean_score"] == pytest.approx(result.score)
        assert set(group["functions"]) == {spec.function for spec in suite}
        assert group["functions"]["lstm_backward"]["points"] == suite.specs["lstm_backward"].points
        assert {c["function"] for c in group["cases"].values()} == {spec.function for spec in suite}


def test_junit_is_well_formed_with_one_testcase_per_item(graded) -> None:
    out, results = graded
    for result in results:
        root = ET.parse(out / result.name / "junit.xml").getroot()
        cases = root.findall("./testsuite/testcase")
        assert len(cases) == len(result.items)
        failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        assert len(failed) == sum(i.outcome not in ("pass", "skip") for i in result.items)
        suite_el = root.find("testsuite")
        assert int(suite_el.get("failures")) + int(suite_el.get("errors")) == len(failed)
    bob = ET.parse(out / "bob" / "junit.xml").getroot()
    failure = bob.find(".//testcase[@name='rnn_cell_backward[published]']/failure")
    assert failure is not None and failure.get("message").startswith("why: dWaa")


def test_junit_survives_control_characters_in_messages() -> None:
    item = ItemResult("f", "a", "fixture", "error", "`f` raised ValueError: bad \x00\x1b[31m byte", 0.0, 1.0)
    result = SubmissionResult("x", "x.py", "x.py", "dlai", "graded", items=[item],
                              functions={"f": {"points": 1.0, "earned": 0.0}})
    root = ET.fromstring(junit_xml(result).split("\n", 1)[1])
    assert "bad" in root.find(".//error").text


# ------------------------------------------------------------------------ picking

def test_workers_are_told_to_hide_the_class_folder_not_each_classmate(tmp_path: Path) -> None:
    """A worker hides the output folder and every folder of submissions: a few paths however
    large the class (one per classmate made every worker's start grow with the class)."""
    klass, other = tmp_path / "class", tmp_path / "late"
    sources = [str(write(klass / f"s{k:03d}" / "rnn_utils.py", "")).rsplit("/", 1)[0] for k in range(50)]
    sources.append(str(write(other / "late.py", "")))
    assert hidden_from_workers(tmp_path / "out", sources) == sorted(map(str, [klass, other, tmp_path / "out"]))
    assert hidden_from_workers(klass / "out", sources) == sorted(map(str, [klass, other]))  # out is in the class


def test_pick_file_rule(tmp_path: Path) -> None:
    functions = set(FUNCTIONS)
    single = write(tmp_path / "one.py", SOFTMAX_OK)
    assert pick_file(single, functions) == single
    write(tmp_path / "lone" / "anything.py", "x = 1\n")
    assert pick_file(tmp_path / "lone", functions).name == "anything.py"
    write(tmp_path / "two" / "helpers.py", "def plot():\n    pass\n")
    write(tmp_path / "two" / "rnn.py", SOFTMAX_OK)
    write(tmp_path / "two" / "_private.py", SOFTMAX_OK)  # ignored: leading underscore
    assert pick_file(tmp_path / "two", functions).name == "rnn.py"
    write(tmp_path / "both" / "a.py", SOFTMAX_OK)
    write(tmp_path / "both" / "b.py", "def sigmoid(x):\n    return x\n")
    with pytest.raises(PickError, match=r"2 files .* define suite functions \(a\.py, b\.py\)"):
        pick_file(tmp_path / "both", functions)
    write(tmp_path / "none" / "a.py", "x = 1\n")
    write(tmp_path / "none" / "b.py", "# def softmax(x):\n")
    with pytest.raises(PickError, match=r"2 code files .*\(a\.py, b\.py\) and none defines"):
        pick_file(tmp_path / "none", functions)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PickError, match="no .py file"):
        pick_file(tmp_path / "empty", functions)


def test_names_are_unique_and_safe(tmp_path: Path) -> None:
    a = write(tmp_path / "x" / "alice.py", SOFTMAX_OK)
    b = write(tmp_path / "y" / "alice.py", SOFTMAX_OK)
    c = write(tmp_path / "summary.json.py", SOFTMAX_OK)
    d = write(tmp_path / "we ird$.py", SOFTMAX_OK)
    (tmp_path / "__pycache__").mkdir()
    names = [s.name for s in collect([a, b, tmp_path / "__pycache__", c, d], {"dlai": DLAI}, None)]
    assert names == ["alice", "alice-2", "_summary.json", "we_ird"]


def test_unpickable_submissions_become_error_results_and_others_are_graded(tmp_path: Path) -> None:
    write(tmp_path / "amb" / "a.py", SOFTMAX_OK)
    write(tmp_path / "amb" / "b.py", SOFTMAX_OK)
    (tmp_path / "empty").mkdir()
    ok = write(tmp_path / "ok.py", SOFTMAX_OK)
    out = tmp_path / "out"
    results = run_grade([tmp_path / "amb", tmp_path / "empty", ok], out, suite="dlai", jobs=2)
    by_name = {r.name: r for r in results}
    assert by_name["amb"].status == "error" and "a.py, b.py" in by_name["amb"].message
    assert by_name["empty"].status == "error" and "no .py file" in by_name["empty"].message
    assert by_name["ok"].status == "graded" and by_name["ok"].functions["softmax"]["earned"] == 1.0
    amb = results_json(out, "amb")
    assert amb["score"] == 0 and amb["extra_data"]["max_score"] == pytest.approx(DLAI_POINTS)  # items kept
    assert all(t["output"].startswith("not run:") for t in amb["tests"])
    assert "a.py, b.py" in amb["output"]
    assert [r["status"] for r in read_csv(out)] == ["error", "error", "graded"]


# ------------------------------------------------------------------------ robustness

def test_broken_submissions_never_stop_the_run(tmp_path: Path) -> None:
    subs = [TARGETS / "syntax_error.py", TARGETS / "raises_at_import.py",
            write(tmp_path / "exits.py", "import os\nos._exit(3)\n" + SOFTMAX_OK),  # kills its grading process
            write(tmp_path / "ok.py", SOFTMAX_OK)]
    out = tmp_path / "out"
    results = run_grade(subs, out, suite="dlai", jobs=2)
    by_name = {r.name: r for r in results}
    assert by_name["syntax_error"].status == "error" and "SyntaxError" in by_name["syntax_error"].message
    assert by_name["raises_at_import"].status == "error"
    assert "cannot import" in by_name["raises_at_import"].message
    assert by_name["exits"].status == "error" and "grading process died" in by_name["exits"].message
    assert by_name["ok"].status == "graded" and by_name["ok"].score == 1.0
    for name in by_name:
        assert results_json(out, name)["extra_data"]["max_score"] == pytest.approx(DLAI_POINTS)


def test_in_process_alarm_cuts_an_endless_loop_and_skips_the_rest_of_the_function(tmp_path: Path) -> None:
    hangs = write(tmp_path / "hangs.py", SOFTMAX_OK + "\ndef sigmoid(x):\n    while True:\n        pass\n")
    [result] = run_grade([hangs], tmp_path / "out", suite="dlai", jobs=1, timeout=0.3)
    sigmoid = [i for i in result.items if i.function == "sigmoid"]
    assert "timed out after 0.3 s" in sigmoid[0].shown
    assert all(i.shown.startswith("not run: `sigmoid` timed out on sigmoid[") for i in sigmoid[1:])
    assert result.functions["softmax"]["earned"] == 1.0


def test_a_timed_out_forward_is_not_called_again_by_the_backward_fed_its_cache(tmp_path: Path) -> None:
    """cs231n backwards are fed the target's own cache: one timeout of the forward, on a case of
    its own (its items run first), then no more."""
    hangs = write(tmp_path / "step.py", "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n    while True:\n        pass\n\n"
                                        "def rnn_step_backward(dnext_h, cache):\n    return cache\n")
    [result] = run_grade([hangs], tmp_path / "out", suite="cs231n", jobs=1, timeout=0.3)
    items = [i for i in result.items if i.function in ("rnn_step_backward", "rnn_step_forward")]
    timed_out = [i.name for i in items if "timed out after" in i.shown]
    assert timed_out == [items[0].name] and items[0].function == "rnn_step_forward"
    assert all(i.shown.startswith(f"not run: `rnn_step_forward` timed out on {items[0].name}") for i in items[1:]
               if not i.hidden)


def test_in_process_sys_exit_costs_only_its_items(tmp_path: Path) -> None:
    exits = write(tmp_path / "exits.py", SOFTMAX_OK + "\ndef sigmoid(x):\n    import sys\n    sys.exit(4)\n")
    [result] = run_grade([exits], tmp_path / "out", suite="dlai", jobs=1)
    assert result.status == "graded" and result.functions["softmax"]["earned"] == 1.0
    sigmoid = [i for i in result.items if i.function == "sigmoid"]
    assert all(i.outcome == "error" and "SystemExit" in i.shown for i in sigmoid)


def test_reports_are_written_as_each_submission_finishes(tmp_path: Path) -> None:
    """The second submission, while being imported, watches for the first one's reports."""
    out = tmp_path / "out"
    spy_log = tmp_path / "spy.txt"
    spy = write(tmp_path / "spy.py", f"""
import time
from pathlib import Path
out, seen = Path({str(out)!r}), "not seen"
for _ in range(100):
    summary = out / "summary.csv"
    if summary.exists() and "first," in summary.read_text() and (out / "first" / "results.json").exists():
        seen = summary.read_text()
        break
    time.sleep(0.05)
Path({str(spy_log)!r}).write_text(seen)
""" + SOFTMAX_OK)
    first = write(tmp_path / "first.py", SOFTMAX_OK)
    run_grade([first, spy], out, suite="dlai", jobs=1)
    seen = spy_log.read_text()
    assert seen != "not seen", "summary.csv was not rewritten when the first submission finished"
    assert "first," in seen and "spy," not in seen
    assert [r["submission"] for r in read_csv(out)] == ["first", "spy"]


def test_cli_grade_exits_zero_with_failing_submissions_and_prints_the_table(tmp_path: Path, capsys,
                                                                         monkeypatch) -> None:
    for var in THREAD_VARS:
        monkeypatch.setenv(var, "1")
    bad = write(tmp_path / "bad.py", "def softmax(x):\n    return x\n")
    (tmp_path / "empty_dir").mkdir()  # a folder with no code: graded, its row says why
    code = main(["grade", str(bad), str(tmp_path / "empty_dir"), "--out", str(tmp_path / "out"),
                 "--in-process", "--suite", "dlai", "--random-cases", "1", "--junit"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "bad" in printed and "empty_dir: " in printed and "no .py file or notebook" in printed
    assert (tmp_path / "out" / "bad" / "junit.xml").is_file()


# ------------------------------------------------------------------------ isolated mode

def test_isolated_grading_of_the_bundled_examples(tmp_path: Path, graded) -> None:
    _, in_process = graded
    subs = [EXAMPLES / name for name in ("alice", "bob.py", "dave.py", "erin.py")]
    results = run_grade(subs, tmp_path / "out", suite="dlai", jobs=2, random_cases=2, random_seed=7,
                        isolate=True, timeout=1.0)
    by_name = {r.name: r for r in results}
    assert all(r.status == "graded" for r in results)
    for name in ("alice", "bob"):  # isolation changes no verdict of a well-behaved submission
        reference = next(r for r in in_process if r.name == name)
        assert [(i.name, i.outcome) for i in by_name[name].items] == [(i.name, i.outcome) for i in reference.items]
    dave = {i.name: i for i in by_name["dave"].items}
    # the hanging forward's own items run before the gradient check that calls it
    assert "did not finish within 1 s" in dave["rnn_cell_forward[published]"].shown
    assert all(dave[name].shown.startswith("not run: `rnn_cell_forward` timed out on rnn_cell_forward[published]")
               for name in ("rnn_cell_forward[random_a]", "rnn_cell_backward[gradcheck]"))
    assert sum(i.time for i in by_name["dave"].items) < 2 * 1.0 + 5  # two timeouts paid, not twenty
    assert dave["rnn_cell_backward[published]"].outcome == "pass"  # fed the suite's cache: never calls the forward
    assert by_name["dave"].functions["lstm_backward"]["earned"] == 4
    erin = {i.name: i for i in by_name["erin"].items}
    assert erin["lstm_cell_forward[published]"].outcome == "error"
    assert "3" in erin["lstm_cell_forward[published]"].shown
    assert by_name["erin"].functions["rnn_backward"]["earned"] == 4


@pytest.mark.parametrize("budget, shown", [(None, True), ("0", False)])
def test_grade_shows_the_smallest_failing_case_unless_its_budget_is_zero(tmp_path: Path, budget, shown) -> None:
    """bob's rnn_cell_backward (dWaa from da_prev): its results.json item says the smallest case,
    unless `--shrink-budget 0` turns the search off."""
    out = tmp_path / "out"
    code = main(["grade", str(EXAMPLES / "bob.py"), "--out", str(out), "--suite", "dlai", "--in-process",
                 "--random-cases", "0", *(["--shrink-budget", budget] if budget else [])])
    assert code == 0
    item = next(t for t in results_json(out, "bob")["tests"] if t["name"].endswith("rnn_cell_backward[published]"))
    assert ("smallest failing case (" in item["output"]) is shown, item["output"][:600]


def test_grade_refuses_a_negative_shrink_budget_in_one_line(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["grade", str(EXAMPLES / "bob.py"), "--out", str(tmp_path / "out"), "--shrink-budget", "-1"])
    assert "--shrink-budget: must be at least 0 (got -1)" in capsys.readouterr().err
