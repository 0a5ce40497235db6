"""The pytest plugin from the outside (pytester): what a student or engineer sees.

Target modules live in tests/targets/; each documents, as module constants, which
functions must fail (EXPECTED_FAILING, EXPECTED_FAILING_CASES) and which are absent
(EXPECTED_MISSING). The --conformance-report JSON is how these tests read verdicts.
"""

from __future__ import annotations

import importlib.util
import sys
import json
import re
from pathlib import Path

import numpy  # noqa: F401 - imported here so pytester's in-process runs never re-import it
import pytest

import conformance.judging.harness  # noqa: F401 - likewise: kept in sys.modules across inline runs
from conformance.contract.spec import load_suite

pytest_plugins = ["pytester"]

TARGETS = Path(__file__).parent / "targets"
ORACLE = Path(__file__).resolve().parents[1] / "oracle"


def constants(name: str) -> dict:
    """A target's module constants (imports the target: these are our own files; some import
    _correct_dlai beside them, found only with their folder on sys.path, whatever ran before)."""
    spec = importlib.util.spec_from_file_location(f"target_constants_{name}", TARGETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(TARGETS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(TARGETS))
    return {k: v for k, v in vars(module).items() if k.isupper()}


def run(pytester: pytest.Pytester, target: Path | str, *args: str) -> tuple[pytest.RunResult, dict | None]:
    """pytest --target=... in a clean directory; returns the result and the JSON report."""
    report = pytester.path / "report.json"
    result = pytester.runpytest("-p", "no:cacheprovider", f"--target={target}",
                                f"--conformance-report={report}", *args)
    return result, json.loads(report.read_text()) if report.exists() else None


def item_count(suite: str, random_cases: int = 0) -> int:
    specs = list(load_suite(suite))
    return sum(len(s.cases) + random_cases + bool(s.backward or s.data.get("gradient_of_output")) for s in specs)


def failing_cases(report: dict, function: str) -> set[str]:
    return {c["case"] for c in report["functions"][function]["cases"] if c["outcome"] not in ("pass", "skip")}


@pytest.mark.parametrize("suite", ["dlai", "cs231n"])
def test_oracle_passes_every_item(pytester: pytest.Pytester, suite: str) -> None:
    result, report = run(pytester, ORACLE / f"{suite}.py", "--in-process")  # an isolated worker cannot see it
    result.assert_outcomes(passed=item_count(suite))
    assert report["totals"]["functions_passing"] == len(load_suite(suite).specs)
    result.stdout.fnmatch_lines([f"rnn-conformance: target *{suite}.py (in-process*", f"rnn-conformance: suite {suite} (detected*"])


@pytest.mark.parametrize("name", ["seed004_dlai", "seed001_dlai", "seed002_dlai", "seed003_cs231n",
                                  "seed000_aliases", "missing_functions", "mutates_inputs"])
def test_targets_fail_exactly_on_their_buggy_functions(pytester: pytest.Pytester, name: str) -> None:
    expect = constants(name)
    result, report = run(pytester, TARGETS / f"{name}.py")
    statuses = {f: v["status"] for f, v in report["functions"].items()}
    want = {f: ("fail" if f in expect["EXPECTED_FAILING"] else "missing" if f in expect["EXPECTED_MISSING"] else "pass")
            for f in statuses}
    assert {f: ("fail" if s == "error" else s) for f, s in statuses.items()} == want
    for function, cases in expect.get("EXPECTED_FAILING_CASES", {}).items():
        assert failing_cases(report, function) == set(cases), function
    assert result.ret == (1 if expect["EXPECTED_FAILING"] or expect["EXPECTED_MISSING"] else 0)


def test_seed000_names_pass_through_aliases(pytester: pytest.Pytester) -> None:
    result, report = run(pytester, TARGETS / "seed000_aliases.py", "--random-cases=2")
    for function in ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward", "softmax"):
        assert report["functions"][function]["status"] == "pass", report["functions"][function]


def test_failure_message_names_output_element_and_cause(pytester: pytest.Pytester) -> None:
    result, _ = run(pytester, TARGETS / "seed004_dlai.py", "-k", "rnn_cell_backward and published")
    result.stdout.fnmatch_lines([
        "[[]dlai rnn_cell_backward[[]published[]][]]",
        "why: dWaa = dz @ a_prev.T uses the previous hidden state a_prev*[[]recurrent-weight-gradient[]]",
        "dWaa: * of 25 elements differ*tolerance*",
        "worst at [[]*]: expected *, got * (abs err *, rel err *)",
        "*index*expected*got*abs err*",
        "rerun just this: pytest --target=*seed004_dlai.py --suite=dlai -k 'rnn_cell_backward and published'",
    ])
    assert "Traceback" not in result.stdout.str()


def test_missing_function_fails_only_its_items(pytester: pytest.Pytester) -> None:
    result, report = run(pytester, TARGETS / "missing_functions.py")
    result.stdout.fnmatch_lines(["*target has no function `lstm_forward`*"])
    assert report["functions"]["rnn_forward"]["status"] == "pass"


def test_input_mutation_fails_with_the_argument_named(pytester: pytest.Pytester) -> None:
    result, report = run(pytester, TARGETS / "mutates_inputs.py", "-k", "rnn_forward and random_a")
    result.stdout.fnmatch_lines(["*modified its input `parameters[[]'ba'[]]` in place*"])
    assert report["totals"]["failed"] == 1


@pytest.mark.parametrize("name, line, what", [("syntax_error", "SYNTAX_ERROR_LINE", "SyntaxError"),
                                              ("raises_at_import", "RAISE_LINE", "ValueError")])
def test_import_failure_is_one_clear_error(pytester: pytest.Pytester, name: str, line: str, what: str) -> None:
    # Read the line number as text: importing these files is exactly what fails.
    lineno = re.search(rf"^{line} = (\d+)", (TARGETS / f"{name}.py").read_text(), re.M).group(1)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--target={TARGETS / name}.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert f"{name}.py" in err and f"line {lineno}" in err.replace(".py:", ".py, line ") and what in err
    assert "conformance/" not in err and "importlib" not in err  # no internal frames
    assert "passed" not in result.stdout.str()


def test_float32_rewrite_passes_only_in_float32_mode(pytester: pytest.Pytester) -> None:
    result, report = run(pytester, TARGETS / "float32_rewrite.py", "--dtype=float32")
    assert report["totals"]["failed"] == 0 and report["totals"]["passed"] > 100
    result, report = run(pytester, TARGETS / "float32_rewrite.py", "-k", "rnn_step_forward and random_a")
    result.stdout.fnmatch_lines(["*got dtype float32 in float64 mode*--dtype=float32*"])


def test_torch_tensors_are_judged_as_arrays(pytester: pytest.Pytester) -> None:
    pytest.importorskip("torch", reason="PyTorch not installed: the torch-rewrite target needs it")
    result, report = run(pytester, TARGETS / "torch_rewrite.py", "--suite=cs231n")
    for function in ("rnn_step_forward", "rnn_forward", "lstm_step_forward", "lstm_forward",
                     "temporal_affine_forward", "sigmoid", "word_embedding_forward"):
        assert report["functions"][function]["status"] == "pass", function


def test_memorised_answers_fail_hidden_random_cases(pytester: pytest.Pytester) -> None:
    # In-process, the memoriser can read the fixtures: it passes their values and fails the hidden
    # cases. The fixtures hold no LSTM gate values, so its LSTM caches are caught already.
    _, plain = run(pytester, TARGETS / "memorised.py", "--in-process", "-k", "not gradcheck")
    failing = {(f, c["case"]): c["misconceptions"] for f, entry in plain["functions"].items()
               for c in entry["cases"] if c["outcome"] != "pass"}
    assert {f for f, _ in failing} == {"lstm_cell_forward", "lstm_forward"}
    assert all(ids == ["cache-layout"] for ids in failing.values()), failing
    _, hidden = run(pytester, TARGETS / "memorised.py", "--in-process", "--random-cases=2", "-k", "hidden")
    assert all(f["status"] == "fail" for f in hidden["functions"].values())
    # Isolated (the default), it cannot even import the harness to find them.
    result, _ = run(pytester, TARGETS / "memorised.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ImportError: the reference implementation is not available to submissions*"])


def test_random_cases_are_reproducible(pytester: pytest.Pytester) -> None:
    first = run(pytester, TARGETS / "seed004_dlai.py", "--random-cases=3", "--random-seed=5")[1]
    again = run(pytester, TARGETS / "seed004_dlai.py", "--random-cases=3", "--random-seed=5", "-p", "xdist", "-n", "2")[1]
    assert first == again
    assert first["totals"]["items"] == item_count("dlai", 3)


def test_usual_pytest_options_work(pytester: pytest.Pytester) -> None:
    result, _ = run(pytester, TARGETS / "seed001_dlai.py", "-k", "rnn_cell_forward and published", "-v",
                    "--junitxml=junit.xml")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["dlai/rnn_cell_forward.json::rnn_cell_forward[[]published[]] PASSED*"])
    assert "rnn_cell_forward[published]" in (pytester.path / "junit.xml").read_text()
    result, _ = run(pytester, TARGETS / "seed004_dlai.py", "-x")
    assert result.parseoutcomes()["failed"] == 1  # the items before the first failure (a forward's) pass
    result.stdout.fnmatch_lines(["*stopping after 1 failures*"])


def test_suite_option_and_detection_errors(pytester: pytest.Pytester) -> None:
    result, _ = run(pytester, ORACLE / "dlai.py", "--suite=dlai", "--in-process", "-k", "softmax and one_class")
    result.stdout.fnmatch_lines(["rnn-conformance: suite dlai (chosen with --suite)"])
    unrelated = pytester.makepyfile(unrelated="def add(a, b):\n    return a + b\n")
    result, _ = run(pytester, unrelated)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*defines none of the functions of any suite*--suite*"])


def test_suite_option_takes_an_alias_and_lists_the_suites_when_wrong(pytester: pytest.Pytester) -> None:
    result, _ = run(pytester, TARGETS / "_correct_torch.py", "--suite=PyTorch", "-k", "rnn_forward and one_step")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["rnn-conformance: suite torch (chosen with --suite)"])
    result, _ = run(pytester, TARGETS / "_correct_torch.py", "--suite=keras")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no suite 'keras'; the suites are: dlai (or deeplearning.ai, coursera), cs231n "
                                 "(or stanford), torch (or pytorch), onnx (or onnxruntime)*"])


def test_module_name_target(pytester: pytest.Pytester) -> None:
    result, _ = run(pytester, "oracle.cs231n", "--in-process", "-k", "sigmoid")
    result.assert_outcomes(passed=len(load_suite("cs231n").specs["sigmoid"].cases))


def test_plugin_is_inert_without_target(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "rnn-conformance:" not in result.stdout.str()  # no header line (the plugin list names it)


def test_isolated_run_gives_the_same_verdicts(pytester: pytest.Pytester) -> None:
    _, in_process = run(pytester, TARGETS / "seed004_dlai.py")
    result, isolated = run(pytester, TARGETS / "seed004_dlai.py", "--isolate")
    result.stdout.fnmatch_lines(["rnn-conformance: target *seed004_dlai.py (isolated: worker process*"])
    assert isolated["functions"] == in_process["functions"]


def test_isolated_hang_times_out_and_the_rest_still_runs(pytester: pytest.Pytester) -> None:
    (pytester.path / "_correct_dlai.py").write_text((TARGETS / "_correct_dlai.py").read_text())
    hang = pytester.makepyfile(hang="from _correct_dlai import *\n\ndef sigmoid(x):\n    while True:\n        pass\n")
    result, report = run(pytester, hang, "--timeout=1", "-k", "sigmoid and one_element or softmax")
    result.stdout.fnmatch_lines(["error: `sigmoid`: the call did not finish within 1 s; the worker was killed*"])
    assert report["functions"]["sigmoid"]["status"] == "error"
    assert report["functions"]["softmax"]["status"] == "pass"


def test_last_failed_reruns_only_the_failures(pytester: pytest.Pytester) -> None:
    target = f"--target={TARGETS / 'seed002_dlai.py'}"
    first = pytester.runpytest(target, "-k", "softmax")
    failed = first.parseoutcomes()["failed"]
    again = pytester.runpytest(target, "-k", "softmax", "--lf")
    again.assert_outcomes(failed=failed)
    again.stdout.fnmatch_lines([f"*rerun previous {failed} failure*"])


def test_a_report_path_under_a_file_is_a_usage_error_before_the_run(pytester: pytest.Pytester) -> None:
    (pytester.path / "notes.txt").write_text("")
    result = pytester.runpytest("-p", "no:cacheprovider", f"--target={TARGETS / '_correct_dlai.py'}",
                                "--conformance-report=notes.txt/report.json", "-k", "softmax and one_class")
    assert result.ret == pytest.ExitCode.USAGE_ERROR and "passed" not in result.stdout.str()
    assert [line for line in result.stderr.lines if line.strip()] == [
        "ERROR: rnn-conformance: --conformance-report notes.txt/report.json cannot be written: notes.txt is a file"]
    nested = pytester.path / "reports" / "today" / "report.json"  # missing folders are made, as --junitxml does
    result = pytester.runpytest("-p", "no:cacheprovider", f"--target={TARGETS / '_correct_dlai.py'}",
                                f"--conformance-report={nested}", "-k", "softmax and one_class")
    result.assert_outcomes(passed=1)
    assert nested.is_file()
