"""Notebooks as targets: what is run of them, what a student is told, and that a notebook is
judged exactly as the same code handed in as a .py file.

The notebooks are written here in the dlai course's layout (tests/notebooks.py): markdown,
the course's ``rnn_utils``/``public_tests`` imports, magics, a test cell after each function,
a redefinition, a cell that does not parse.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conformance.running.course_helpers import supplied_for
from conformance.grading.grade import grade
from conformance.judging.harness import Harness
from conformance.contract.spec import load_suite
from conformance.running.submissions import PickError, pick_file
from conformance.running.target import TargetImportError, load_info, load_notes, load_target
from notebooks import course_notebook, top_level_blocks, write_notebook

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
# Ten dlai implementations, right and wrong (real bugs from the seeds), each laid out twice.
SOURCES: dict[str, Path | None] = {
    "correct": ROOT / "tests/targets/_correct_dlai.py",
    "erin": ROOT / "examples/submissions/erin.py",
    "seed000": ROOT / "tests/targets/seed000_aliases.py",
    "seed001": ROOT / "tests/targets/seed001_dlai.py",
    "seed002": ROOT / "tests/targets/seed002_dlai.py",
    "seed004": ROOT / "tests/targets/seed004_dlai.py",
    "my_rnn": ROOT / "examples/my_rnn.py",
    "bob": ROOT / "examples/submissions/bob.py",
    "no_helpers": None,  # the right code without its own softmax and sigmoid (course helpers)
    "carol": ROOT / "examples/submissions/carol/carol_rnn.py",
}
DLAI = load_suite("dlai")


def without_helpers(path: Path) -> str:
    """A .py implementation's code without its own softmax and sigmoid, as a course notebook
    has it (they come from the course's rnn_utils.py)."""
    blocks = top_level_blocks(path.read_text())
    return "\n\n\n".join(text for _, text in blocks if not text.startswith(("def softmax(", "def sigmoid(")))


def loaded(tmp_path: Path, *cells: tuple[str, str]):
    return load_target(str(write_notebook(tmp_path / "nb.ipynb", list(cells))))


def verdict(module, function: str, case: str = "published"):
    from conformance.contract.cases import CaseRef

    return Harness(module, DLAI).run(CaseRef(function, case, "fixture"))


# ------------------------------------------------------------------ what is run

def test_magics_shell_lines_and_help_are_dropped_and_line_numbers_kept(tmp_path: Path) -> None:
    module = loaded(tmp_path, ("markdown", "# title"),
                    ("code", "%matplotlib inline\n!pip install numpy\nfiles = !ls\nnp.dot?\nimport numpy as np"),
                    ("code", "def twice(x):\n    %time y = 1\n    return 2 * x\n\ndef boom():\n    raise ValueError('boom')"))
    assert module.twice(3) == 6
    with pytest.raises(ValueError) as info:
        module.boom()
    frame = info.traceback[-1]
    assert str(frame.path) == f"{tmp_path / 'nb.ipynb'}, cell 3" and frame.lineno + 1 == 6  # 0-based in pytest


def test_cell_magics_other_than_timing_are_not_run(tmp_path: Path) -> None:
    module = loaded(tmp_path, ("code", "%%writefile helper.py\ndef written():\n    return 1"),
                    ("code", "%%time\ndef timed():\n    return 2"))
    assert not hasattr(module, "written") and module.timed() == 2
    assert not (tmp_path / "helper.py").exists()
    assert any("%%writefile helper.py cell not run" in n for n in load_info(module)["notes"])


def test_only_imports_definitions_and_constants_run(tmp_path: Path) -> None:
    module = loaded(tmp_path, ("code", "import numpy as np\nN_A = 5\nSHAPE = (N_A, -2 * 5)\nEPS: float = 1e-8\n"
                                       "data = np.load('train.npz')\nraise SystemExit('training loop')\n"
                                       "for epoch in range(10 ** 12):\n    pass\nassert False\nprint('plot')"),
                    ("code", "def uses_constants():\n    return SHAPE, EPS"))
    assert module.uses_constants() == ((5, -10), 1e-8)
    assert not hasattr(module, "data")
    assert any("not run: 5 top-level statement(s)" in n and "cell(s) 1" in n for n in load_info(module)["notes"])


def test_the_last_definition_wins(tmp_path: Path) -> None:
    module = loaded(tmp_path, ("code", "def f():\n    return 'first'"), ("code", "f()"),
                    ("code", "def f():\n    return 'last'"))
    assert module.f() == "last"


def test_a_syntax_error_costs_only_its_block(tmp_path: Path) -> None:
    module = loaded(tmp_path, ("code", "def ok():\n    return 1\n\ndef scratch(:\n    pass\n\n@staticmethod\n"
                                       "def decorated():\n    return 3\n\ndef also_ok():\n    return 2"))
    assert module.ok() == 1 and module.also_ok() == 2 and not hasattr(module, "scratch")
    assert "cell 1, line 4: SyntaxError: invalid syntax (`scratch` not defined)" in load_notes(module)


def test_a_suite_function_that_does_not_parse_is_missing_with_where(tmp_path: Path) -> None:
    cells = course_notebook((ROOT / "tests/targets/_correct_dlai.py").read_text(), extras=False)
    where = next(k for k, (_, text) in enumerate(cells, start=1) if text.startswith("def rnn_cell_forward("))
    cells[where - 1] = ("code", cells[where - 1][1].replace("parameters):", "parameters:", 1))
    module = load_target(str(write_notebook(tmp_path / "nb.ipynb", cells)))
    result = verdict(module, "rnn_cell_forward")
    assert result.outcome == "missing"
    assert f"its definition does not parse (cell {where}, line 1: SyntaxError" in result.message
    assert verdict(module, "lstm_cell_forward").outcome == "pass"  # the rest is judged


@pytest.mark.parametrize("text, message", [
    ("{not json", "nb.ipynb is not a notebook: its text is not JSON"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# only words"}]}), "nb.ipynb has no code cells"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "x"}), "nb.ipynb is not a readable notebook"),
])
def test_unreadable_notebooks_get_one_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "nb.ipynb").write_text(text)
    with pytest.raises(TargetImportError) as info:
        load_target(str(tmp_path / "nb.ipynb"))
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_old_and_invalid_notebooks_are_judged_and_say_so(tmp_path: Path) -> None:
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "def f():\n    return 3", "language": "python", "outputs": []}]}]}
    (tmp_path / "old.ipynb").write_text(json.dumps(v3))
    old = load_target(str(tmp_path / "old.ipynb"))
    assert old.f() == 3 and "old.ipynb is an nbformat 3 notebook: converted to version 4 to be judged" in load_notes(old)
    invalid = json.loads((write_notebook(tmp_path / "bad.ipynb", [("code", "def g():\n    return 4")])).read_text())
    invalid["cells"][0]["surprise"] = True
    (tmp_path / "bad.ipynb").write_text(json.dumps(invalid))
    judged = load_target(str(tmp_path / "bad.ipynb"))
    assert judged.g() == 4 and any("does not validate as nbformat 4" in n for n in load_notes(judged))


# ------------------------------------------------------------ helpers supplied

def test_course_helpers_are_supplied_when_not_handed_in_and_not_judged(tmp_path: Path) -> None:
    source = without_helpers(ROOT / "tests/targets/_correct_dlai.py")  # calls softmax, defines none
    module = load_target(str(write_notebook(tmp_path / "nb.ipynb", course_notebook(source))))
    assert supplied_for(module.__file__) == {"softmax": "rnn_utils", "sigmoid": "rnn_utils"}
    skipped = verdict(module, "softmax", "random_small")
    assert skipped.outcome == "skip" and "supplied by the grader" in skipped.message
    assert verdict(module, "rnn_forward").outcome == "pass"  # it calls the supplied softmax
    assert any("supplied by the grader: `sigmoid`, `softmax` from the course's rnn_utils.py" in n
               for n in load_notes(module))
    # The cell importing public_tests is skipped, and said so.
    assert any("`from public_tests import *` raised ModuleNotFoundError" in n for n in load_notes(module))


def test_a_handed_in_helper_file_is_the_students_and_is_judged(tmp_path: Path, monkeypatch) -> None:
    # Loading in this process puts the folder on sys.path and its rnn_utils in sys.modules: undone after.
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    folder = tmp_path / "student"
    (folder).mkdir()
    (folder / "rnn_utils.py").write_text("import numpy as np\n\ndef softmax(x):\n    return x\n\n"
                                         "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
    notebook = write_notebook(folder / "W1A1.ipynb", [("code", "from rnn_utils import *"),
                                                      ("code", "def rnn_forward(x, a0, parameters):\n    pass")])
    assert pick_file(folder, {"softmax", "sigmoid", "rnn_forward"}) == notebook  # the notebook, not its helper
    module = load_target(str(notebook))
    assert supplied_for(str(notebook)) == {}
    assert verdict(module, "softmax", "random_small").outcome == "fail"


def test_a_py_file_importing_the_helpers_gets_them_too(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("from rnn_utils import softmax\n")
    module = load_target(str(tmp_path / "mine.py"))
    assert supplied_for(module.__file__) == {"softmax": "rnn_utils"} and module.softmax.__module__ == "rnn_utils"
    assert "rnn_utils" not in sys.modules  # the next submission in this process does not inherit it


def test_a_helper_file_handed_in_later_is_seen_though_the_parse_is_kept(tmp_path: Path) -> None:
    """The target is parsed once per version of the file; whether the helper was handed in beside
    it is looked at every time."""
    mine = tmp_path / "mine.py"
    mine.write_text("from rnn_utils import softmax\n")
    assert supplied_for(str(mine)) == {"softmax": "rnn_utils"}
    (tmp_path / "rnn_utils.py").write_text("def softmax(x):\n    return x\n")
    assert supplied_for(str(mine)) == {}
    (tmp_path / "rnn_utils.py").unlink()
    mine.write_text("from rnn_utils import softmax\n\ndef softmax(x):\n    return x\n")  # a new version
    assert supplied_for(str(mine)) == {}


def test_a_submission_cannot_claim_its_own_functions_are_supplied(tmp_path: Path) -> None:
    """Which functions were supplied is decided by the grader from the files, never from what
    the submission's process reports: a submission that forges the worker's answer, or
    defines its own softmax after importing the helpers, is judged on its own code."""
    (tmp_path / "forger.py").write_text(
        "import sys\nfrom rnn_utils import *\n\n"
        "def softmax(x):\n    return x\n\n\ndef rnn_forward(x, a0, parameters):\n    return None\n\n\n"
        "def forged(module):  # what the worker reports as loaded, if the grader believed it\n"
        "    return {'notes': ['forged'], 'broken': {}, 'supplied': {n: 'rnn_utils' for n in dir(module)}}\n\n\n"
        "frame = sys._getframe()\n"
        "while frame is not None:  # the worker's modules are out of sys.modules, not out of reach\n"
        "    if 'load_info' in frame.f_globals:\n"
        "        frame.f_globals['load_info'] = forged\n"
        "    frame = frame.f_back\n")
    out = grade([tmp_path / "forger.py"], tmp_path / "out", suite="dlai", random_cases=0, progress=False, report=False)
    verdicts = {item.name: item.outcome for item in out[0].items}
    assert verdicts["softmax[random_small]"] == "fail" and verdicts["rnn_forward[published]"] == "fail"
    assert verdicts["sigmoid[random_small]"] == "skip"  # imported from the helpers: supplied, as for anyone
    assert supplied_for(str(tmp_path / "forger.py")) == {"sigmoid": "rnn_utils"}
    assert "forged" in out[0].notes  # the worker did report it: only as text


def test_picking_among_notebooks(tmp_path: Path) -> None:
    names = {"rnn_cell_forward"}
    for k in (1, 2):
        write_notebook(tmp_path / f"v{k}.ipynb", [("code", "def rnn_cell_forward(xt, a_prev, parameters):\n    pass")])
    with pytest.raises(PickError, match="2 files in .* define suite functions"):
        pick_file(tmp_path, names)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(PickError, match="neither a .py file nor a notebook"):
        pick_file(tmp_path / "notes.txt", names)


# ------------------------------------------------------- end to end, as a course does

def test_pytest_target_on_a_notebook(pytester: pytest.Pytester, tmp_path: Path) -> None:
    source = without_helpers(ROOT / "tests/targets/seed004_dlai.py")
    notebook = write_notebook(tmp_path / "W1A1.ipynb", course_notebook(source))
    report = pytester.path / "report.json"
    result = pytester.runpytest("-p", "no:cacheprovider", f"--target={notebook}", f"--conformance-report={report}")
    result.stdout.fnmatch_lines(["rnn-conformance: target *W1A1.ipynb (isolated*",
                                 "rnn-conformance: note: supplied by the grader: `sigmoid`, `softmax`*"])
    verdicts = json.loads(report.read_text())["functions"]
    assert verdicts["rnn_cell_backward"]["cases"][0]["outcome"] == "fail"  # seed 004's real dWaa bug
    assert {c["outcome"] for c in verdicts["softmax"]["cases"]} == {"skip"}


def test_a_traceback_points_into_the_notebook(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "nb.ipynb", [
        ("markdown", "# RNN"), ("code", "import numpy as np"),
        ("code", "def rnn_cell_forward(xt, a_prev, parameters):\n    Wax = parameters['Wax']\n"
                 "    return weights(parameters), None, None"),
        ("code", "def weights(parameters):\n    return parameters['not_there']")])
    from conformance.running.isolation import IsolatedTarget

    target = IsolatedTarget(str(notebook))
    try:
        result = verdict(target, "rnn_cell_forward")
    finally:
        target.close()
    assert result.outcome == "error"
    assert f'File "{notebook}, cell 3", line 3, in rnn_cell_forward' in result.message
    assert f'File "{notebook}, cell 4", line 2, in weights' in result.message


def test_isolated_helpers_can_be_imported_when_called_and_pasted_reference_is_flagged(tmp_path: Path) -> None:
    from conformance.running.isolation import IsolatedTarget
    from conformance.judging.reference import matches

    cells = course_notebook((ROOT / "oracle" / "dlai.py").read_text())  # the reference, pasted into cells
    cells.append(("code", "def sigmoid(x):\n    from rnn_utils import sigmoid as course\n    return course(x)"))
    target = IsolatedTarget(str(write_notebook(tmp_path / "nb.ipynb", cells)))
    try:
        assert verdict(target, "sigmoid", "random_small").outcome == "pass"  # imported at call time, in the worker
        flagged = matches(target, target.__file__, [spec.function for spec in DLAI])
    finally:
        target.close()
    assert "its source is the reference's `oracle.dlai.lstm_backward`, pasted" == flagged["lstm_backward"]


def test_twenty_notebooks_are_graded_as_their_py_files(tmp_path: Path) -> None:
    """The course's layout (header imports, magics, test cells, a redefinition, a broken
    scratch cell) changes nothing: per item, the same outcome as the same code as .py."""
    notebooks, files = tmp_path / "notebooks", tmp_path / "files"
    for name, path in SOURCES.items():
        source = path.read_text() if path else without_helpers(SOURCES["correct"])
        write_notebook(notebooks / f"{name}_plain.ipynb", course_notebook(source, extras=False))
        cells = course_notebook(source)
        first_def = next(k for k, (kind, text) in enumerate(cells) if text.startswith("def "))
        stub = cells[first_def][1].split(":\n")[0] + ":\n    raise NotImplementedError  # YOUR CODE HERE"
        cells.insert(first_def, ("code", stub))  # the template's stub, redefined by the real one below
        write_notebook(notebooks / f"{name}_course.ipynb", cells)
        files.mkdir(exist_ok=True)
        (files / f"{name}_plain.py").write_text(source)
        (files / f"{name}_course.py").write_text("from rnn_utils import *\n" + source)
    as_notebooks = grade(sorted(notebooks.glob("*.ipynb")), tmp_path / "out_nb", suite="dlai", jobs=2,
                         timeout=5, random_cases=1, progress=False)
    as_files = grade(sorted(files.glob("*.py")), tmp_path / "out_py", suite="dlai", jobs=2,
                     timeout=5, random_cases=1, progress=False)
    assert len(as_notebooks) == len(as_files) == 20
    for nb, py in zip(as_notebooks, as_files):
        assert nb.name == py.name and nb.status == py.status == "graded", (nb.name, nb.message, py.message)
        assert [(i.name, i.outcome) for i in nb.items] == [(i.name, i.outcome) for i in py.items], nb.name
        assert nb.functions == py.functions and nb.score == py.score
    scores = {r.name: r.score for r in as_notebooks}
    assert scores["correct_plain"] == scores["correct_course"] == sum(spec.points for spec in DLAI)
    assert scores["seed004_course"] < scores["correct_course"]
    assert scores["no_helpers_course"] == scores["correct_course"]  # softmax, sigmoid supplied (and skipped)
    report = json.loads((tmp_path / "out_nb" / "no_helpers_course" / "results.json").read_text())
    assert any("supplied by the grader: `sigmoid`, `softmax`" in n for n in report["extra_data"]["notes"])
    assert "How your file was read:" in report["output"]


def test_hostile_notebooks_cost_only_themselves(tmp_path: Path) -> None:
    """A notebook nested too deep for the JSON decoder or the parser, one with a definition
    whose default loops forever, and one that is empty: each gets its own verdict, the right
    one beside them full marks, and the run ends."""
    cls = tmp_path / "class"
    write_notebook(cls / "good.ipynb", course_notebook((ROOT / "tests/targets/_correct_dlai.py").read_text()))
    (cls / "deep_json.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    write_notebook(cls / "deep_code.ipynb", [("code", "X = " + "(" * 300 + "1" + ")" * 300),
                                             ("code", "def rnn_forward(x, a0, parameters):\n    return " + "-" * 100_000 + "1")])
    write_notebook(cls / "hangs.ipynb", [("code", "def loop():\n    while True:\n        pass\n\n"
                                                  "def rnn_forward(x, a0, parameters, _=loop()):\n    pass")])
    (cls / "empty.ipynb").write_text("")
    results = {r.name: r for r in grade(sorted(cls.iterdir()), tmp_path / "out", suite="dlai", jobs=2, timeout=2,
                                        random_cases=0, progress=False)}
    assert results["good"].score == sum(spec.points for spec in DLAI)
    assert results["deep_json"].status == "error" and "deep_json.ipynb is not a readable notebook" in results["deep_json"].message
    assert results["deep_code"].status == "graded" and results["deep_code"].functions["rnn_forward"]["earned"] == 0
    assert any("too many nested parentheses" in n for n in results["deep_code"].notes)
    assert results["hangs"].status == "error" and "importing your file" in results["hangs"].message
    assert results["empty"].status == "error" and "empty.ipynb" in results["empty"].message


def test_the_pickers_scan_reads_a_bounded_amount_of_code(tmp_path: Path) -> None:
    """Choosing a folder's file runs in the grader's main process: a notebook's code is scanned
    only up to the picker's budget (its first cells), never parsed whole."""
    from conformance.running.submissions import defined_functions

    padding = "x = '" + "a" * 3_000_000 + "'"
    write_notebook(tmp_path / "big.ipynb", [("code", "def softmax(x):\n    pass"), ("code", padding),
                                            ("code", "def sigmoid(x):\n    pass")])
    assert defined_functions(tmp_path / "big.ipynb", {"softmax", "sigmoid"}) == {"softmax"}
    assert {"softmax", "sigmoid"} <= set(vars(load_target(str(tmp_path / "big.ipynb"))))  # loading reads it all


def test_the_bundled_notebook_gets_the_grade_examples_readme_gives(tmp_path: Path) -> None:
    [frank] = grade([ROOT / "examples/submissions/frank.ipynb"], tmp_path / "out", suite="dlai", timeout=5,
                    progress=False, report=False)
    assert frank.score == 10 and frank.functions["rnn_backward"]["earned"] == 0  # seed 001's da0 = None
    assert {i.outcome for i in frank.items if i.function in ("softmax", "sigmoid")} == {"skip"}
    assert "| `frank.ipynb` |" in (ROOT / "examples/README.md").read_text() and "| 10 / 26 |" in \
        (ROOT / "examples/README.md").read_text()
