"""Verdicts as data, where they show: pytest's text (why first), the JSON report's ids, the
warnings channel (a passing item that warns loses nothing, and says so), the lenient profile,
per-function points, the class summaries, and dlai caches compared through isolation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conformance.judging.verdict import FAIL, PASS, Finding, Misconception, Verdict, render
from test_grade import results_json, run_grade
from test_plugin import TARGETS, run

sys.path.insert(0, str(Path(__file__).parent))
from mistakes.corpus import mutants, target  # noqa: E402

pytest_plugins = ["pytester"]
CORPUS = {m.name: m for m in mutants()}


def corpus_target(name: str, folder: Path) -> Path:
    return target(CORPUS[name], folder)


def test_render_puts_why_first_and_the_rerun_last() -> None:
    verdict = Verdict(FAIL, [Finding("value", "dWaa", "25 of 25 elements differ")],
                      misconceptions=[Misconception("recurrent-weight-gradient", "dWaa uses a_prev", "variant")],
                      warnings=["RuntimeWarning: overflow encountered in exp"], repro="pytest -k x")
    assert render(verdict).splitlines() == [
        "why: dWaa uses a_prev [recurrent-weight-gradient]", "dWaa: 25 of 25 elements differ",
        "note: your code warned: RuntimeWarning: overflow encountered in exp", "rerun just this: pytest -k x"]
    assert verdict.wrong_outputs == ["dWaa"] and verdict.ids == ["recurrent-weight-gradient"]
    assert render(Verdict(PASS, warnings=["w"])) == "passed, but your code warned: w"


def test_report_json_carries_ids_per_case_and_per_function(pytester: pytest.Pytester, tmp_path: Path) -> None:
    path = corpus_target("dlai/gradient_not_carried__lstm_da_t_alone", tmp_path)
    result, report = run(pytester, path, "-k", "lstm_backward")
    function = report["functions"]["lstm_backward"]
    assert function["misconceptions"] == ["gradient-not-carried"]
    failing = [c for c in function["cases"] if c["outcome"] == "fail"]
    assert failing and all(c["misconceptions"] == ["gradient-not-carried"] for c in failing
                           if c["case"] not in ("one_step",))
    result.stdout.fnmatch_lines(["why: the gradient flowing back through time is dropped*[[]gradient-not-carried[]]"])


def test_a_warning_passes_visibly_and_costs_nothing(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """Naive sigmoid: right values, overflow warnings for x < -709. pytest passes the items and
    lists the warning with its id; results.json keeps full marks and shows the warning."""
    path = corpus_target("dlai/overflow__naive_sigmoid", tmp_path)
    result, report = run(pytester, path, "-k", "sigmoid and not lstm")
    assert result.ret == 0 and report["functions"]["sigmoid"]["status"] == "pass"
    result.stdout.fnmatch_lines(["*ConformanceWarning: sigmoid[[]*[]]: passed, but your code warned: "
                                 "RuntimeWarning: overflow encountered in exp [[]overflow[]]*"])
    warned = [c for c in report["functions"]["sigmoid"]["cases"] if c["warnings"]]
    assert warned and all(c["misconceptions"] == ["overflow"] for c in warned)
    out = tmp_path / "out"
    [graded] = run_grade([path], out, suite="dlai")
    assert graded.functions["sigmoid"]["earned"] == graded.functions["sigmoid"]["points"]
    tests = {t["name"]: t for t in results_json(out, path.stem)["tests"]}
    large = tests["sigmoid[large_magnitude]"]
    assert large["score"] == large["max_score"] and "misconception:overflow" in large["tags"]
    assert large["output"].startswith("passed, but your code warned: ")  # passed, with a warning: not a why
    assert "\nwhy it warned: " in large["output"] and "\nwhy: " not in large["output"]
    result.stdout.fnmatch_lines(["PASS     sigmoid                      6/6   — passed, with a warning: overflow"])
    assert "why: overflow" not in result.stdout.str()


def test_the_course_profile_turns_mutation_and_overflow_into_warnings(pytester: pytest.Pytester) -> None:
    strict, _ = run(pytester, TARGETS / "mutates_inputs.py", "-k", "rnn_forward and random_a")
    assert strict.ret == 1
    lenient, report = run(pytester, TARGETS / "mutates_inputs.py", "-k", "rnn_forward and random_a",
                          "--profile=course")
    assert lenient.ret == 0
    [case] = report["functions"]["rnn_forward"]["cases"]
    assert case["misconceptions"] == ["input-mutation"] and "modified its input" in case["warnings"][-1]
    loss, report = run(pytester, TARGETS / "seed003_cs231n.py", "-k", "temporal_softmax_loss", "--profile=course")
    assert loss.ret == 0, "the seed's log of normalised probabilities only warns under the course profile"
    assert report["functions"]["temporal_softmax_loss"]["misconceptions"] == ["overflow"]


def test_points_per_function_exclude_what_the_course_provides(tmp_path: Path) -> None:
    [full] = run_grade([TARGETS / "seed004_dlai.py"], tmp_path / "a", suite="dlai")
    [fewer] = run_grade([TARGETS / "seed004_dlai.py"], tmp_path / "b", suite="dlai",
                        points={"softmax": 0, "sigmoid": 0})
    assert fewer.functions["softmax"]["points"] == 0 and fewer.functions["softmax"]["earned"] == 0
    assert fewer.max_score == full.max_score - full.functions["softmax"]["points"] - full.functions["sigmoid"]["points"]
    assert fewer.score == pytest.approx(full.score - full.functions["softmax"]["earned"]
                                        - full.functions["sigmoid"]["earned"])


def test_class_summaries_count_misconceptions(tmp_path: Path) -> None:
    subs = [corpus_target("dlai/gradient_not_carried__lstm_da_t_alone", tmp_path / "a"),
            corpus_target("dlai/recurrent_weight_gradient__dWaa_from_da_prev", tmp_path / "b"),
            TARGETS / "seed004_dlai.py"]
    out = tmp_path / "out"
    run_grade(subs, out, suite="dlai")
    summary = json.loads((out / "summary.json").read_text())
    found = summary["suites"]["dlai"]["misconceptions"]
    assert found["recurrent-weight-gradient"]["submissions"] == 2  # the corpus file and seed 004
    assert found["gradient-not-carried"]["functions"] == {"lstm_backward": 1}
    rows = (out / "summary.csv").read_text().splitlines()
    assert rows[0].split(",")[-3:] == ["misconceptions", "clusters", "message"]
    assert "gradient-not-carried" in next(r for r in rows if r.startswith(subs[0].stem))


def test_a_cached_view_overwritten_later_is_caught_through_isolation(pytester: pytest.Pytester,
                                                                    tmp_path: Path) -> None:
    """Every output right; the first cell cache's c_prev was a view the loop overwrote."""
    path = corpus_target("dlai/cache_layout__lstm_c_view_overwritten", tmp_path)
    result, report = run(pytester, path, "-k", "lstm_forward and random_a")  # isolated: the default
    assert report["functions"]["lstm_forward"]["misconceptions"] == ["cache-layout"]
    result.stdout.fnmatch_lines(["why: the cache is not the course's layout*", "caches: caches[[]0[]]*view*"])


def test_a_placeholder_left_as_none_is_named_as_one(tmp_path: Path) -> None:
    """The template's `da0 = None` left in place: the output is None, not a missing return
    statement and not a wrong return structure. A function returning None keeps that message."""
    from conformance.contract.cases import CaseRef
    from conformance.judging.harness import Harness
    from conformance.contract.spec import load_suite
    from conformance.running.target import load_target

    source = (TARGETS / "_correct_dlai.py").read_text()
    assert source.count("    da0 = da_prevt\n") == 2
    source = source.replace("    da0 = da_prevt\n", "    da0 = None\n", 1)  # rnn_backward's
    source = source.replace("    return 0.5 * (1 + np.tanh(0.5 * x))\n", "    s = 0.5 * (1 + np.tanh(0.5 * x))\n")
    path = tmp_path / "placeholder.py"
    path.write_text(source)
    harness = Harness(load_target(str(path)), load_suite("dlai"))
    fixture = harness.run(CaseRef("rnn_backward", "published", "fixture"))
    assert [f.line() for f in fixture.findings] == ["da0: is None (a placeholder not filled in?), expected an array "
                                                     "of shape (5, 10)"]
    assert fixture.ids == [] and "return statement" not in fixture.message
    gradcheck = harness.run(CaseRef("rnn_backward", "gradcheck", "gradcheck"))
    assert [f.line() for f in gradcheck.findings] == ["da0: cannot compare with d loss / d a0 of shape (4, 5): "
                                                       "is None (a placeholder not filled in?)"]
    no_return = harness.run(CaseRef("sigmoid", "random_small", "fixture"))
    assert "(None: did you forget a return statement?)" in no_return.message


def test_functions_the_grader_supplied_are_said_so_and_not_counted(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """frank.ipynb imports softmax and sigmoid from the course's rnn_utils: they are not judged,
    so no summary counts them as passing (PASS 0/0, "5 of 10 functions conform")."""
    from io import StringIO

    from rich.console import Console

    from conformance.reports.grade_console import summary_table

    frank = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "frank.ipynb"
    result, report = run(pytester, frank, "-k", "softmax or sigmoid or rnn_forward")
    result.stdout.fnmatch_lines([
        "*rnn-conformance: dlai suite, 1 of 1 functions conform (2 supplied by the grader, not judged)*",
        "SUPPLIED sigmoid                      —     by the grader from the course's rnn_utils.py: not judged"])
    assert "0/0" not in result.stdout.str()
    assert report["functions"]["softmax"]["status"] == "supplied" and report["totals"]["functions_supplied"] == 2
    out = tmp_path / "out"
    graded = next(r for r in run_grade([frank, TARGETS / "_correct_dlai.py"], out, suite="dlai") if r.name == "frank")
    shown = StringIO()
    Console(file=shown, width=200).print(summary_table([graded]))
    passed = sum(i.outcome == "pass" for i in graded.items)
    judged = sum(i.outcome != "skip" for i in graded.items)
    assert judged < len(graded.items) and f"{passed}/{judged}" in shown.getvalue()
    functions = json.loads((out / "summary.json").read_text())["suites"]["dlai"]["functions"]
    assert functions["softmax"]["judged"] == 1 and functions["softmax"]["full_marks"] == 1  # _correct_dlai's only
    assert functions["rnn_forward"]["judged"] == 2
