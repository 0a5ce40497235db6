"""conformance.check: the judgement of ``pytest --target`` from a notebook cell, on live functions.

The targets are the bundled correct dlai implementation and a known mistake of the corpus, run
into namespaces as a notebook would hold them (runpy: the functions' globals are that namespace).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

from conformance import check
from mistakes import corpus

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "tests" / "targets" / "_correct_dlai.py"
DA_T_ALONE = "gradient_not_carried__lstm_da_t_alone"


def notebook(source: str, file: str) -> dict:
    """A namespace as a notebook's globals: the functions defined there look their siblings up in it."""
    namespace = {"__name__": "__main__"}
    exec(compile(source, file, "exec"), namespace)
    return namespace


@pytest.fixture
def correct() -> dict:
    return notebook(CORRECT.read_text(), str(CORRECT))


@pytest.fixture
def mistaken() -> dict:
    mutant = next(m for m in corpus.mutants("dlai") if m.path.stem == DA_T_ALONE)
    return notebook(corpus.source(mutant), f"<{DA_T_ALONE}>")


def test_correct_functions_conform(correct: dict) -> None:
    result = check([correct["rnn_cell_forward"], correct["lstm_backward"]])
    assert result.ok and bool(result), str(result)
    assert result.suite == "dlai"
    assert list(result.functions) == ["rnn_cell_forward", "lstm_backward"]
    backward = result.functions["lstm_backward"]
    assert backward.earned == backward.points > 0
    assert any(item.kind == "gradcheck" for item in backward.items)  # the same items as --target
    assert "conforms" in result._repr_html_()


def test_a_correct_module_conforms_whole() -> None:
    module = ModuleType("student")
    exec(compile(CORRECT.read_text(), str(CORRECT), "exec"), vars(module))
    result = check(module)
    assert result.ok, str(result)
    assert len(result.functions) == 10  # every dlai function, as --target judges a file


def test_a_known_mistake_fails_with_its_catalogue_id(mistaken: dict) -> None:
    result = check(mistaken["lstm_backward"])
    assert not result.ok and not result
    f = result.functions["lstm_backward"]
    assert f.status == "fail" and f.earned < f.points
    assert "gradient-not-carried" in f.misconceptions
    text = str(result)
    assert "why: " in text and "[gradient-not-carried]" in text
    assert "rerun just this: check(lstm_backward, suite='dlai', case=" in text
    html = result._repr_html_()
    assert "why: <span" in html and ">gradient-not-carried</span>" in html  # the id first, then the hint
    assert "<details" in html and "<script" not in html
    # the smallest failing case, folded under its dims, after the why: line, as code to paste
    assert "smallest failing case" in text
    summary = html.index("<summary>smallest failing case")
    assert html.index(">gradient-not-carried</span>") < summary
    assert "lstm_backward(" in html[summary:html.index("</details>", summary)]


def test_check_without_arguments_judges_the_callers_suite_functions(mistaken: dict) -> None:
    namespace = mistaken
    exec("from conformance import check\nresult = check()", namespace)
    result = namespace["result"]
    assert set(result.functions) == {n for n in mistaken if n in {"softmax", "sigmoid", "rnn_cell_forward",
                                                                  "rnn_forward", "lstm_cell_forward", "lstm_forward",
                                                                  "rnn_cell_backward", "rnn_backward",
                                                                  "lstm_cell_backward", "lstm_backward"}}
    assert [n for n, f in result.functions.items() if not f.ok] == ["lstm_backward"]


def test_check_leaves_the_namespace_threads_and_modules_as_they_were(mistaken: dict) -> None:
    namespace = mistaken
    exec("from conformance import check\ncheck()", namespace)  # warm: the package's own imports
    before = dict(namespace)
    threads, modules, alarm = threading.active_count(), set(sys.modules), signal.getsignal(signal.SIGALRM)
    exec("check()", namespace)
    assert namespace.keys() == before.keys() and all(namespace[k] is before[k] for k in before)
    assert threading.active_count() == threads
    assert set(sys.modules) == modules
    assert signal.getsignal(signal.SIGALRM) is alarm and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_strict_raises_with_the_report_only_when_something_does_not_conform(correct: dict, mistaken: dict) -> None:
    assert check(correct["lstm_backward"], strict=True).ok
    with pytest.raises(AssertionError, match=r"\[gradient-not-carried\]"):
        check(mistaken["lstm_backward"], strict=True)


def test_html_escapes_what_the_target_says() -> None:
    namespace: dict = {}
    exec("def sigmoid(x):\n    raise ValueError('<img src=x onerror=alert(1)><script>alert(2)</script>')\n",
         namespace)
    result = check(namespace["sigmoid"], suite="dlai")
    assert not result.ok
    html = result._repr_html_()
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" in str(result)  # the text is the text


def test_a_function_calling_a_sibling_uses_the_callers_current_definition(correct: dict) -> None:
    rnn_forward = correct["rnn_forward"]
    assert check(rnn_forward).ok
    # the cell redefined in a later cell: the rnn_forward defined before it must call the new (wrong) one
    exec("_right = rnn_cell_forward\n"
         "def rnn_cell_forward(xt, a_prev, parameters):\n"
         "    a_next, yt_pred, cache = _right(xt, a_prev, parameters)\n"
         "    return a_next * 2, yt_pred, cache\n", correct)
    result = check(rnn_forward)
    assert result.functions["rnn_forward"].status == "fail", str(result)


@pytest.mark.parametrize("bad, says", [
    (42, "check: expected a function, a list of functions or a module; got int 42"),
    (lambda x: x, "check: a lambda has no name to judge it by"),
    (dict, "check: `dict` is a class"),
    (print, "check: `print` is the name of no suite's function"),
])
def test_bad_input_is_one_line(bad: object, says: str) -> None:
    result = check(bad)
    assert not result.ok and str(result).startswith(says)
    assert "\n" not in str(result) and "Traceback" not in str(result)
    assert check([]).error == "check([]): no function given"


def test_a_namespace_without_suite_functions_is_one_line() -> None:
    namespace: dict = {}
    exec("from conformance import check\ndef helper(): pass\nresult = check()", namespace)
    result = namespace["result"]
    assert str(result) == ("check(): no suite function is defined here: define one first (e.g. rnn_cell_forward (dlai), "
                           "rnn_step_forward (cs231n), rnn_forward (torch), rnn (onnx); `rnn-conformance list` names "
                           "them all)")
    assert "\n" not in str(result)


def test_a_hanging_function_is_interrupted_and_said_so(correct: dict) -> None:
    namespace = correct
    exec("def softmax(x):\n    while True:\n        pass\n", namespace)
    result = check(namespace["softmax"], timeout=0.2)
    f = result.functions["softmax"]
    assert f.status == "error"
    first = f.failing[0][1]
    assert first.timeout and "raised TimedOut: no return within 0.2 s, so check() interrupted it here" in first.message
    # the other cases call the same function: skipped after the timeout, not waited out again
    assert all("timed out" in verdict.message for _, verdict in f.failing[1:])


def test_the_same_judgement_as_pytest_target(tmp_path: Path) -> None:
    """Every item, its outcome and its catalogue ids, as `pytest --target` (an isolated worker) says them."""
    example = ROOT / "examples" / "my_rnn.py"
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--target={example}",
                           f"--conformance-report={report}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 1, done.stdout[-2000:]  # the example has two bugs
    by_pytest = {(name, case["case"]): (case["outcome"], case["misconceptions"])
                 for name, f in json.loads(report.read_text())["functions"].items() for case in f["cases"]}
    module = ModuleType("my_rnn")
    module.__file__ = str(example)
    exec(compile(example.read_text(), str(example), "exec"), vars(module))
    result = check(module)
    by_check = {(name, item.case): (item.outcome, item.misconceptions)
                for name, f in result.functions.items() for item in f.items}
    assert by_check == by_pytest
    assert {name: f.status for name, f in result.functions.items()} == {
        name: f["status"] for name, f in json.loads(report.read_text())["functions"].items()}


def test_case_reruns_one_item(mistaken: dict) -> None:
    result = check(mistaken["lstm_backward"], suite="dlai", case="gradcheck")
    assert [item.name for item in result.functions["lstm_backward"].items] == ["lstm_backward[gradcheck]"]
    assert not result.ok
    assert check(mistaken["lstm_backward"], case="nope").error.startswith(
        "check(lstm_backward): no case 'nope'; the cases are: ")


def test_a_numeric_warning_passes_and_is_said(correct: dict) -> None:
    mutant = next(m for m in corpus.mutants("dlai") if m.path.stem == "overflow__naive_sigmoid")
    exec(mutant.path.read_text(), correct)
    result = check(correct["sigmoid"])
    assert result.ok, str(result)  # a warning never costs a point, as under pytest --target
    assert "passed, with a warning" in str(result)
    assert "with a warning: RuntimeWarning: overflow" in result._repr_html_()


def test_a_cs231n_notebook_and_the_oracle() -> None:
    namespace = notebook((ROOT / "tests" / "targets" / "_correct_cs231n.py").read_text(), "<cs231n>")
    exec("from conformance import check\nresult = check()", namespace)
    assert namespace["result"].suite == "cs231n" and namespace["result"].ok, str(namespace["result"])
    import oracle.dlai

    assert check(oracle.dlai).ok  # the oracle is the first target (its own file is exempt from copy detection)


def test_check_without_arguments_calls_but_does_not_judge_what_the_caller_imported(correct: dict) -> None:
    helpers = ModuleType("rnn_utils")  # the course's helper module, with its whole-array-max softmax
    exec("import numpy as np\ndef softmax(x):\n    e = np.exp(x - np.max(x))\n    return e / e.sum(axis=0)\n",
         vars(helpers))
    correct["softmax"] = helpers.softmax  # from rnn_utils import softmax
    exec("from conformance import check\nresult = check()", correct)
    result = correct["result"]
    assert "softmax" not in result.functions and len(result.functions) == 9
    assert "not judged: `softmax`, imported from rnn_utils (check(softmax) judges it)" in result.notes
    assert "note: not judged: `softmax`" in str(result)
    assert not check(helpers.softmax).ok  # asked for by name, it is judged


def test_outside_the_main_thread_there_is_no_timeout_and_it_says_so(correct: dict) -> None:
    found = []
    worker = threading.Thread(target=lambda: found.append(check(correct["sigmoid"])))
    worker.start()
    worker.join()
    assert found[0].ok and found[0].notes[0].startswith("no timeout: check() runs outside the main thread")


def test_a_path_is_pointed_to_pytest_target() -> None:
    assert str(check("my_rnn.py")) == ("check: expected a function, a list of functions or a module; got the str "
                                       "'my_rnn.py' (a file is judged by `pytest --target=my_rnn.py`)")


def test_options_out_of_range_are_one_line(correct: dict) -> None:
    sigmoid = correct["sigmoid"]
    assert check(sigmoid, profile="lenient").error == ("check(sigmoid): profile= must be one of 'strict', 'course', "
                                                       "got 'lenient'")
    assert check(sigmoid, timeout=0).error == "check(sigmoid): timeout= must be a positive number of seconds, got 0"
    assert check(sigmoid, dtype="int8").error == "check(sigmoid): dtype= must be 'float64' or 'float32', got 'int8'"
    assert repr(check(sigmoid)) == str(check(sigmoid))  # a terminal's `>>> check(f)` shows the report


def test_a_function_several_suites_define_says_how_to_choose() -> None:
    namespace: dict = {"__name__": "__main__"}
    exec("import numpy as np\ndef sigmoid(x):\n    return 0.5 * (1 + np.tanh(0.5 * x))\n", namespace)
    said = check(namespace["sigmoid"]).error
    assert said.startswith("check(sigmoid): cannot tell which suite the target implements (dlai: 1 of 10 functions")
    assert said.endswith("use suite='dlai' (or 'cs231n', 'torch', 'onnx')")
    assert check(namespace["sigmoid"], suite="cs231n").ok
