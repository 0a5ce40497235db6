"""conformance.check where notebooks are graded: a real Jupyter kernel, nbgrader and Otter-Grader, end
to end on the bundled examples (examples/nbgrader, examples/otter), each with a right and a wrong
student (no tanh: the catalogue's missing-activation).

Needs the graders extra (``pip install -e '.[test,graders]'``: nbgrader, otter-grader, nbclient,
ipykernel); without it these tests skip and say so.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MISSING = [name for name in ("nbgrader", "otter", "nbclient", "ipykernel") if importlib.util.find_spec(name) is None]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"needs the graders extra (pip install -e '.[test,graders]'): "
                                                      f"{', '.join(MISSING)} not installed")
RIGHT = '''def rnn_cell_forward(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    return a_next, softmax(parameters["Wya"] @ a_next + parameters["by"]), (a_next, a_prev, xt, parameters)
'''
SETUP = '''import numpy as np

def softmax(x):
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0)
'''


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    # this interpreter's scripts first: nbgrader runs `alembic` by name
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, timeout=600,
                          check=False, env=env)
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def test_in_a_real_kernel_check_shows_html_text_and_strict() -> None:
    import nbformat
    from nbclient import NotebookClient

    cells = [SETUP, RIGHT, "from conformance import check\ncheck()",
             RIGHT.replace("np.tanh(", "("),  # the same cell, redefined wrong: check() sees the current definition
             "result = check()\nresult",
             "print(result)",
             "try:\n    check(rnn_cell_forward, strict=True)\nexcept AssertionError as e:\n    print('raised', e)",
             "check(42)"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [cell.outputs for cell in notebook.cells]
    right_html = outputs[2][0]["data"]["text/html"]
    assert "✔" in right_html and "<code>rnn_cell_forward</code> conforms" in right_html and "<script" not in right_html
    wrong_html = outputs[4][0]["data"]["text/html"]
    assert ">missing-activation</span>" in wrong_html and "<details" in wrong_html
    assert "why: " in outputs[5][0]["text"] and "[missing-activation]" in outputs[5][0]["text"]
    assert outputs[6][0]["text"].startswith("raised rnn-conformance check(rnn_cell_forward): dlai suite, 0 of 1")
    assert "expected a function, a list of functions or a module; got int 42" in outputs[7][0]["data"]["text/html"]
    assert not any(out.get("output_type") == "error" for out in sum(outputs, []))


def test_nbgrader_autogrades_the_example_course(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(EXAMPLES / "nbgrader", course)
    run("nbgrader", "generate_assignment", "rnn_cell", cwd=course)
    released = (course / "release" / "rnn_cell" / "rnn_cell.ipynb").read_text()
    assert "### BEGIN SOLUTION" not in released and "check(rnn_cell_forward, strict=True)" in released
    subprocess.run([sys.executable, str(course / "make_submissions.py"), str(course)], check=True, timeout=60)
    run("nbgrader", "autograde", "rnn_cell", "--create", cwd=course)
    run("nbgrader", "export", cwd=course)
    with open(course / "grades.csv", newline="") as grades:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(grades)}
    assert scores == {"right": (2.0, 2.0), "wrong": (0.0, 2.0)}
    feedback = (course / "autograded" / "wrong" / "rnn_cell" / "rnn_cell.ipynb").read_text()
    assert "[missing-activation]" in feedback  # the student's feedback says why


def test_otter_assigns_and_grades_the_example(tmp_path: Path) -> None:
    folder = tmp_path / "otter"
    shutil.copytree(EXAMPLES / "otter", folder)
    run("otter", "assign", "rnn_cell.ipynb", "dist", cwd=folder)
    handed_out = (folder / "dist" / "student" / "rnn_cell.ipynb").read_text()
    assert "np.tanh" not in handed_out and 'grader.check(\\"rnn_cell_forward\\")' in handed_out
    subprocess.run([sys.executable, str(folder / "make_submissions.py"), str(folder)], check=True, timeout=60)
    (zipped,) = (folder / "dist" / "autograder").glob("rnn_cell-autograder_*.zip")
    results = {}
    for student in ("right", "wrong"):
        out = folder / "out" / student
        out.mkdir(parents=True)
        run("otter", "run", "-a", str(zipped), "-o", str(out), str(folder / "submissions" / f"{student}.ipynb"),
            cwd=folder)
        results[student] = json.loads((out / "results.json").read_text())
    scores = {student: [(t["name"], t["score"], t["max_score"]) for t in r["tests"] if "score" in t]
              for student, r in results.items()}
    assert scores == {"right": [("rnn_cell_forward", 2, 2)], "wrong": [("rnn_cell_forward", 0, 2)]}
    assert "[missing-activation]" in json.dumps(results["wrong"])
