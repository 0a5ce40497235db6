"""A function's own items run before the items of other functions that call it: a hanging
forward is blamed on a case of its own, under pytest (whatever -k or --lf select) and grade."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.contract.cases import CaseRef
from conformance.judging.harness import Harness
from conformance.contract.spec import load_suite
from test_grade import run_grade, write

pytest_plugins = ["pytester"]
CORRECT = Path(__file__).parent / "targets" / "_correct_dlai.py"
HEADER = "def rnn_cell_forward(xt, a_prev, parameters):\n"
OWN_CASE = re.compile(r"not run: `rnn_cell_forward` timed out on rnn_cell_forward\[\w+\]")


def hanging_forward(folder: Path) -> Path:
    """The correct dlai target whose rnn_cell_forward never returns."""
    source = CORRECT.read_text()
    assert HEADER in source
    return write(folder / "hangs.py", source.replace(HEADER, HEADER + "    while True:\n        pass\n", 1))


def failures(result: pytest.RunResult) -> dict[str, str]:
    """item name -> the first line of its failure text, in the order pytest ran them."""
    found, lines = {}, result.outlines
    for k, line in enumerate(lines):
        match = re.match(r"\[dlai (\w+\[\w+\])\]$", line)
        if match:
            found[match.group(1)] = lines[k + 1]
    return found


def test_run_order_puts_a_forward_before_the_gradient_check_that_calls_it() -> None:
    harness = Harness(object(), load_suite("dlai"))
    refs = [CaseRef("rnn_cell_backward", "published", "fixture"),
            CaseRef("rnn_cell_backward", "gradcheck", "gradcheck"),
            CaseRef("rnn_cell_forward", "published", "fixture"), CaseRef("softmax", "published", "fixture")]
    assert [r.name for r in harness.run_order(refs)] == [
        "rnn_cell_forward[published]", "rnn_cell_backward[published]", "rnn_cell_backward[gradcheck]",
        "softmax[published]"]
    names = [r.name for r in harness.items()]
    assert names.index("rnn_cell_forward[published]") < names.index("rnn_cell_backward[gradcheck]")
    assert names.index("lstm_forward[published]") < names.index("lstm_backward[gradcheck]")


@pytest.mark.parametrize("select", [["-k", "rnn_cell"], ["-k", "rnn_cell_backward and gradcheck or rnn_cell_forward"]])
def test_pytest_blames_the_hang_on_the_forwards_own_case(pytester: pytest.Pytester, tmp_path: Path,
                                                         select: list[str]) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", f"--target={hanging_forward(tmp_path)}", "--timeout=0.5",
                                *select)
    shown = failures(result)
    first = next(iter(shown))
    assert first.startswith("rnn_cell_forward[") and "did not finish within 0.5 s" in shown[first]
    assert OWN_CASE.search(shown["rnn_cell_backward[gradcheck]"]), shown["rnn_cell_backward[gradcheck]"]
    assert all(OWN_CASE.search(text) for name, text in shown.items() if name != first)


def test_pytest_last_failed_keeps_the_order(pytester: pytest.Pytester, tmp_path: Path) -> None:
    target = hanging_forward(tmp_path)
    args = [f"--target={target}", "--timeout=0.5", "-k", "rnn_cell_backward and gradcheck or rnn_cell_forward"]
    pytester.runpytest(*args)
    result = pytester.runpytest(*args, "--lf")
    result.stdout.fnmatch_lines(["*run-last-failure*"])
    shown = failures(result)
    assert next(iter(shown)).startswith("rnn_cell_forward[")
    assert OWN_CASE.search(shown["rnn_cell_backward[gradcheck]"]), shown["rnn_cell_backward[gradcheck]"]


def test_grade_blames_the_hang_on_the_forwards_own_case(tmp_path: Path) -> None:
    [result] = run_grade([hanging_forward(tmp_path)], tmp_path / "out", suite="dlai", jobs=1, timeout=0.5,
                         isolate=True)
    items = {i.name: i for i in result.items}
    forward = [i for i in result.items if i.function == "rnn_cell_forward"]
    assert "did not finish within 0.5 s" in forward[0].shown
    assert result.timed_out["rnn_cell_forward"] == forward[0].name
    assert all(OWN_CASE.search(i.shown) for i in forward[1:])
    assert OWN_CASE.search(items["rnn_cell_backward[gradcheck]"].shown), items["rnn_cell_backward[gradcheck]"].shown
