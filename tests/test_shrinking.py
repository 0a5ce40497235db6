"""The smallest failing case (conformance/judging/shrinking.py), on real-looking bugs: a failing
function's visible case shrunk while the target fails the same way, never a hidden case, within
its budget, shown after the ``why:`` line and in the --conformance-report JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy  # noqa: F401 - imported here so pytester's in-process runs never re-import it
import pytest

import conformance.judging.harness  # noqa: F401 - likewise
from conformance.contract.cases import CaseRef
from conformance.contract.recipe import build_inputs
from conformance.contract.spec import load_suite
from conformance.judging.harness import Harness
from conformance.judging.shrinking import signature
from conformance.running.target import load_target

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
MISTAKES = ROOT / "tests" / "mistakes" / "dlai"
TARGETS = ROOT / "tests" / "targets"
MY_RNN = ROOT / "examples" / "my_rnn.py"

# A student who wrote the notebook's test shape into the loops (3 x 4: sigmoid's random_small) and
# slipped a sign: wrong at that shape, and at any smaller one it raises instead (fails differently).
HARD_CODED = '''
import numpy as np

def sigmoid(x):
    s = np.zeros((3, 4))
    for i in range(3):
        for j in range(4):
            s[i, j] = 1 / (1 + np.exp(x[i, j]))
    return s
'''


@pytest.fixture(scope="module")
def dlai():
    return load_suite("dlai")


@pytest.fixture(autouse=True)
def _targets_leave_no_trace():
    """A target loaded in-process leaves sys.modules and sys.path as they were: its folder on the
    path would make its file importable by name in later tests (my_rnn)."""
    modules, search_path = set(sys.modules), list(sys.path)
    yield
    for name in set(sys.modules) - modules:
        if name.startswith("rnn_conformance_target_"):
            del sys.modules[name]
    sys.path[:] = search_path


def _harness(dlai, file: Path, **kwargs) -> Harness:
    return Harness(load_target(str(file)), dlai, **kwargs)


def _mistake(name: str, folder: Path) -> Path:
    """A corpus mistake as it is judged: the correct module with the student's function over it."""
    path = folder / f"{name}.py"
    path.write_text((TARGETS / "_correct_dlai.py").read_text() + "\n\n" + (MISTAKES / f"{name}.py").read_text())
    return path


def test_shrinks_until_no_single_dim_can_drop(dlai, tmp_path):
    # Waa.T in the forward: wrong only when Waa is not symmetric, so n_a cannot drop below 2.
    harness = _harness(dlai, _mistake("transposed_weight__waa_transposed_forward", tmp_path))
    verdict = harness.run(CaseRef("rnn_cell_forward", "published", "fixture"))
    smallest = verdict.smallest
    assert verdict.outcome == "fail" and smallest is not None and smallest.complete and smallest.shrunk
    spec = dlai.specs["rnn_cell_forward"]
    case = next(c for c in spec.cases if c["id"] == "published")
    assert all(smallest.dims[s] <= case["dims"][s] for s in case["dims"])
    # n_a: the bug needs a square Waa that is not symmetric; n_y: with one class softmax is 1
    # whatever a_next is, so yt_pred would be right (another failure: a_next alone wrong)
    assert smallest.dims == {"n_x": 1, "n_a": 2, "n_y": 2, "m": 1}
    want = signature(verdict)
    dropped = 0
    for sym, value in smallest.dims.items():
        if value - 1 >= spec.data["dims"][sym]["min"]:
            dropped += 1
            judged, _, _ = harness.judge_inputs(spec, build_inputs(spec, case, {**smallest.dims, sym: value - 1}))
            assert signature(judged) != want, f"{sym}={value - 1} still fails the same way"
    assert dropped  # not a vacuous check: some dim sits above its minimum
    text = verdict.message.splitlines()
    why = next(i for i, line in enumerate(text) if line.startswith("why: "))
    assert text[why + 1].startswith("smallest failing case (n_x=1, n_a=2, n_y=2, m=1; shrunk from published")
    assert any(line.strip().startswith("a_prev = np.array([[") for line in text)
    assert "a_next: expected np.array(" in verdict.message


def test_a_case_above_the_random_range_shrinks_one_dim_at_a_time(dlai, tmp_path):
    """The course's published lstm_backward case (m=10, T_x=7) is above the random cases' maxima
    (m <= 6, T_x <= 5); once every dim at its minimum passes and all halved fails another way,
    single dims must still be tried, not judged out of range."""
    harness = _harness(dlai, _mistake("gradient_not_carried__lstm_da_t_alone", tmp_path))
    verdict = harness.run(CaseRef("lstm_backward", "published", "fixture"))
    smallest = verdict.smallest
    assert verdict.outcome == "fail" and smallest is not None and smallest.shrunk, verdict.message[:400]
    assert smallest.dims["m"] == 1 and smallest.dims["n_a"] == 1 and smallest.dims["T_x"] < 7


def test_a_case_that_stops_failing_when_shrunk_stays_at_its_size(dlai, tmp_path):
    target = tmp_path / "hard_coded.py"
    target.write_text(HARD_CODED)
    harness = _harness(dlai, target)
    verdict = harness.run(CaseRef("sigmoid", "random_small", "fixture"))
    smallest = verdict.smallest
    assert verdict.outcome == "fail" and smallest is not None
    assert smallest.dims == smallest.original == {"n_a": 3, "m": 4} and not smallest.shrunk
    assert smallest.attempts > 1  # smaller cases were tried, and raised
    assert "smallest failing case: random_small itself (n_a=3, m=4)" in verdict.message


def test_hidden_cases_are_never_shrunk_nor_printed(dlai):
    # memorised.py returns the published values for the cases it knows: only hidden cases fail
    harness = _harness(dlai, TARGETS / "memorised.py")
    verdict = harness.run(CaseRef("softmax", "hidden_1", "random"))
    assert verdict.outcome == "fail" and verdict.smallest is None
    assert "smallest failing case" not in verdict.message and "np.array(" not in verdict.message


def test_shrinking_stops_at_its_budget(dlai, tmp_path):
    harness = _harness(dlai, _mistake("transposed_weight__waa_transposed_forward", tmp_path), shrink_budget=0)
    verdict = harness.run(CaseRef("rnn_cell_forward", "published", "fixture"))
    assert verdict.outcome == "fail" and verdict.smallest is None  # 0: not looked for
    harness.shrink_budget = 2.5
    ticks = iter(range(1000))
    smallest = harness.smallest(CaseRef("rnn_cell_forward", "published", "fixture"), verdict,
                                clock=lambda: float(next(ticks)))  # a second per look at the clock
    assert smallest is not None and not smallest.complete
    assert smallest.attempts == 3  # the case itself, then two smaller ones before the budget ran out
    assert "[shrinking stopped at its time budget]" in smallest.lines()[0]


@pytest.mark.parametrize("isolation", [["--in-process"], []])
def test_report_has_the_smallest_case_of_each_failing_function(pytester, isolation):
    args = [f"--target={MY_RNN}", "--conformance-report=report.json", "-p", "no:cacheprovider",
            "-k", "rnn_cell_backward and (published or random_a) or softmax and large_logits", *isolation]
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == 1
    functions = json.loads((pytester.path / "report.json").read_text())["functions"]
    cell = functions["rnn_cell_backward"]["smallest"]
    assert cell["case"] == "published" and cell["dims"] == {"n_x": 1, "n_a": 1, "n_y": 1, "m": 1}
    assert cell["original_dims"] == {"n_x": 3, "n_a": 5, "n_y": 2, "m": 10}
    assert list(cell["expected"]) == ["dWaa"] and cell["rerun"].startswith(f"pytest --target={MY_RNN} ")
    soft = functions["softmax"]["smallest"]  # whole-array max: one column alone is right, so m stays 2
    assert soft["dims"] == {"n_y": 1, "m": 2} and soft["original_dims"]["m"] >= 2
    assert functions["sigmoid"]["smallest"] is None
    assert "smallest failing case (n_x=1, n_a=1, n_y=1, m=1; shrunk from published" in result.stdout.str()


# Right at the case's size, wrong in sign, and endless on anything smaller (a loop whose end is
# written for the case's shape): shrinking must give up at the first hang, not wait out each one.
HANGS_WHEN_SMALL = '''
import time
import numpy as np

def sigmoid(x):
    if x.size < 12:
        time.sleep(60)
    return 1 / (1 + np.exp(x))
'''


def test_shrinking_stops_when_a_smaller_case_hangs_the_worker(dlai, tmp_path):
    from conformance.running.isolation import IsolatedTarget

    file = tmp_path / "hangs.py"
    file.write_text(HANGS_WHEN_SMALL)
    target = IsolatedTarget(str(file), timeout=0.5, memory_mb=1024)
    try:
        harness = Harness(target, dlai, shrink_budget=30)  # a budget the hangs alone would spend
        verdict = harness.run(CaseRef("sigmoid", "random_small", "fixture"))
    finally:
        target.close()
    smallest = verdict.smallest
    assert verdict.outcome == "fail" and smallest is not None and not smallest.shrunk
    assert (smallest.attempts, smallest.complete, smallest.stopped) == (2, False, "worker")
    assert "smallest failing case: random_small itself (n_a=3, m=4) [shrinking stopped: a smaller case hung" \
        in verdict.message


def test_the_first_failing_case_is_shrunk_whichever_items_run_first(dlai):
    # as under xdist or -k: this process sees random_a before published (which fails too, earlier
    # in the spec): the smallest case shown is published's, so every run shows the same one
    harness = _harness(dlai, MY_RNN)
    later = harness.run(CaseRef("rnn_cell_backward", "random_a", "fixture"))
    first = harness.run(CaseRef("rnn_cell_backward", "published", "fixture"))
    assert later.outcome == first.outcome == "fail"
    assert later.smallest is None and "smallest failing case" not in later.message
    assert first.smallest is not None and first.smallest.case == "published"


def test_dims_the_recipe_cannot_have_are_not_tried(tmp_path):
    # word_embedding_forward[published]: x is written out (2 x 4 indices up to 3), so neither N, T
    # nor V < 4 makes a valid case (the oracle itself cannot index W with them)
    cs231n = load_suite("cs231n")
    file = tmp_path / "embedding.py"
    file.write_text((TARGETS / "_correct_cs231n.py").read_text() + "\n\n"
                    + (ROOT / "tests" / "mistakes" / "cs231n" / "dtype__embedding_int_output.py").read_text())
    verdict = Harness(load_target(str(file)), cs231n).run(CaseRef("word_embedding_forward", "published", "fixture"))
    smallest = verdict.smallest
    assert verdict.outcome == "fail" and smallest is not None
    assert smallest.dims == {"N": 2, "T": 4, "V": 4, "D": 1} and smallest.original["V"] == 5


def test_literals_paste_as_numpy_and_python_write_them():
    import numpy as np

    from conformance.judging.shrinking import literal

    assert literal(np.array([[0.5, -1.25]])) == "np.array([[ 0.5 , -1.25]])"
    assert literal(np.array([1, 2])) == "np.array([1, 2], dtype=np.int64)"
    assert literal(np.array([True, False])) == "np.array([ True, False], dtype=bool)"
    assert literal(None) == "None"  # a placeholder the student left: not array(None, dtype=object)
    assert literal(np.zeros((9, 9))) == "<array of shape (9, 9): too large to print>"


def test_a_negative_budget_is_a_usage_error(pytester):
    result = pytester.runpytest_subprocess(f"--target={MY_RNN}", "--shrink-budget=-1", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: rnn-conformance: --shrink-budget must be seconds >= 0 (0: no shrinking), "
                                 "got -1.0"])


def test_the_printed_case_pasted_into_a_cell_fails_exactly_as_shown(dlai):
    import numpy as np

    module = load_target(str(MY_RNN))
    verdict = Harness(module, dlai).run(CaseRef("rnn_cell_backward", "published", "fixture"))
    lines = verdict.smallest.lines()
    cell = "\n".join(line[4:] for line in lines[1:] if line.startswith("    "))  # what a student pastes
    namespace = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    exec(cell, namespace)  # noqa: S102 - our own printed snippet, run on the example submission
    got = namespace["grads"]["dWaa"]
    assert np.array_equal(got, module.rnn_cell_backward(verdict.smallest.inputs["da_next"], namespace["cache"])["dWaa"])
    assert np.array_equal(np.asarray(got), np.asarray(
        Harness(module, dlai).judge_inputs(dlai.specs["rnn_cell_backward"], verdict.smallest.inputs)[1]["dWaa"]))


def test_a_case_too_large_to_read_is_named_not_printed():
    from conformance.judging.shrinking import MAX_CASE_PRINTED, Smallest
    big = {"x": numpy.ones((3, 10, 7)), "parameters.Wax": numpy.ones((5, 3))}
    small = {"x": numpy.ones((1, 1, 2))}
    expected = {"y": numpy.zeros(2)}
    lines = Smallest("published", {"m": 10}, {"m": 10}, big, expected, expected, 3, True, False,
                     call="y = f(x)").lines()
    assert sum(v.size for v in big.values()) > MAX_CASE_PRINTED
    assert len(lines) == 2 and "225 input values are too many to print" in lines[1]
    lines = Smallest("published", {"m": 1}, {"m": 10}, small, expected, expected, 3, True, True,
                     call="y = f(x)").lines()
    assert "    x = np.array([[[1.0, 1.0]]])" in lines
