"""``pytest --target=...`` as a new user types it: folders, paths of every shape, module names.

A folder is judged as ``rnn-conformance grade`` judges it (conformance.running.submissions.pick_file
chooses the file); every mistake is one line and pytest's usage-error exit status.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy  # noqa: F401 - imported here so pytester's in-process runs never re-import it
import pytest

import conformance.judging.harness  # noqa: F401 - likewise: kept in sys.modules across inline runs
from conformance.contract.spec import load_all
from conformance.running.submissions import PickError, pick_file, suite_functions
from notebooks import course_notebook, write_notebook

pytest_plugins = ["pytester"]

CORRECT = Path(__file__).parent / "targets" / "_correct_dlai.py"
ONE_ITEM = ("-k", "softmax and one_class")  # one item is enough: the target, not the suite, is tested


def judge(pytester: pytest.Pytester, target: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", f"--target={target}", *ONE_ITEM, *args)


def one_error_line(result: pytest.RunResult) -> str:
    """The usage error, checked to be the whole of what was printed (no traceback, no header)."""
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    lines = [line for line in result.stderr.lines if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ERROR: rnn-conformance: "), lines
    assert "passed" not in result.stdout.str() and "Traceback" not in result.stdout.str()
    return lines[0].removeprefix("ERROR: rnn-conformance: ")


def folder(where: Path, **files: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (where / name.replace("__", ".")).write_text(text)
    return where


@pytest.mark.parametrize("given", [".", "./alice", "alice/", "../{here}/alice", "{here_abs}/alice/", "~/alice"])
def test_a_folder_is_judged_by_the_file_grade_picks(pytester: pytest.Pytester, monkeypatch, given: str) -> None:
    # rnn_utils.py defines no suite function: grade's rule picks my_rnn.py, the one that does
    home = pytester.path if given != "." else pytester.path / "alice"
    monkeypatch.setenv("HOME", str(pytester.path))
    if given == ".":
        monkeypatch.chdir(folder(home))
    else:
        folder(pytester.path / "alice")
    base = Path.cwd() if given == "." else pytester.path / "alice"
    shutil.copy(CORRECT, base / "my_rnn.py")
    (base / "rnn_utils.py").write_text("import numpy as np\n\ndef helper(x):\n    return x\n")
    target = given.format(here=pytester.path.name, here_abs=pytester.path)
    result = judge(pytester, target)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"rnn-conformance: target {(base / 'my_rnn.py').resolve()} (isolated*"])


def test_a_folder_whose_choice_is_unclear_says_graders_reason_in_one_line(pytester: pytest.Pytester) -> None:
    two = folder(pytester.path / "two", a__py=CORRECT.read_text(), b__py=CORRECT.read_text())
    with pytest.raises(PickError) as grader_says:
        pick_file(Path("two"), suite_functions(load_all(), None))
    assert one_error_line(judge(pytester, "two")) == str(grader_says.value)
    empty = folder(pytester.path / "empty", notes__txt="")
    assert one_error_line(judge(pytester, "empty/")) == f"no .py file or notebook in empty (only its top level is searched)"


@pytest.mark.parametrize("given, says", [
    ("./missing.PY", "missing.PY does not exist"),
    ("missing.py", "missing.py does not exist"),
    ("gone/rnn.ipynb", "gone/rnn.ipynb does not exist"),
    ("../nowhere/alice", "../nowhere/alice does not exist"),
    ("~/nothere", "{home}/nothere does not exist"),
    ("no.such.module", "no file 'no.such.module', and no module named 'no.such.module' (give a .py file, a notebook, "
                       "a folder or an importable module)"),
    ("my_rnn", "no file 'my_rnn', and no module named 'my_rnn' (give a .py file, a notebook, "
               "a folder or an importable module)"),
])
def test_a_target_that_is_not_there_is_one_line(pytester: pytest.Pytester, monkeypatch, given: str, says: str) -> None:
    monkeypatch.setenv("HOME", str(pytester.path))
    assert one_error_line(judge(pytester, given)) == says.format(home=pytester.path)


def test_an_upper_case_extension_says_to_rename(pytester: pytest.Pytester) -> None:
    shutil.copy(CORRECT, pytester.path / "RNN.PY")
    assert one_error_line(judge(pytester, "RNN.PY")) == ("RNN.PY is neither a .py file nor a notebook (.ipynb): the "
                                                          "extension is case-sensitive; rename it to RNN.py")
    folder(pytester.path / "upper", RNN__PY=CORRECT.read_text())
    assert one_error_line(judge(pytester, "upper")) == ("no .py file or notebook in upper (only its top level is "
                                                         "searched; RNN.PY would count as RNN.py: extensions are "
                                                         "case-sensitive)")


def test_a_notebook_path_and_a_folder_holding_it(pytester: pytest.Pytester) -> None:
    source = CORRECT.read_text()
    notebook = write_notebook(pytester.path / "course" / "W1A1.ipynb", course_notebook(source))
    (notebook.parent / "rnn_utils.py").write_text("import numpy as np\n")
    for given in (str(notebook), "course"):  # in the folder, grade's rule 2: the notebook
        result = judge(pytester, given)
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["rnn-conformance: target *course/W1A1.ipynb (isolated*"])


@pytest.mark.parametrize("given, says", [(".", "'.' is a folder: give the file to judge"),
                                         ("./alice", "no file './alice', and it cannot be a module's name")])
def test_load_target_itself_refuses_what_is_not_a_file_or_module(tmp_path: Path, monkeypatch, given: str,
                                                                  says: str) -> None:
    # the worker's loader gets files and names only (the plugin and grade pick first); if a path
    # ever reaches it, one line still, not importlib's TypeError about relative imports
    from conformance.running.target import TargetImportError, load_target

    monkeypatch.chdir(tmp_path)
    with pytest.raises(TargetImportError) as refused:
        load_target(given)
    assert str(refused.value) == says


def test_the_rerun_line_names_the_target_as_it_was_typed(pytester: pytest.Pytester) -> None:
    """The rerun line is pasted where the user ran pytest: it keeps their relative folder."""
    folder(pytester.path / "alice")
    (pytester.path / "alice" / "my_rnn.py").write_text(CORRECT.read_text().replace(
        "def softmax(x):", "def softmax(x):\n    return np.zeros_like(x)\n\n\ndef _unused(x):"))
    result = judge(pytester, "./alice")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["rerun just this: pytest --target=./alice --suite=dlai -k 'softmax and one_class'"])
