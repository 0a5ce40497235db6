"""``rnn-conformance gradescope``: grade the one submission of a Gradescope autograder run.

Gradescope's "Autograder Specifications" (https://gradescope-autograders.readthedocs.io/en/latest/specs/;
source: ``docs/specs.md`` of github.com/gradescope/autograder_samples) fix the contract:

- the student's upload is unpacked in ``/autograder/submission``, the instructor's zip in
  ``/autograder/source`` (and ``run_autograder`` copied to ``/autograder/run_autograder``);
- the run must leave ``/autograder/results/results.json``: top-level ``score``,
  ``execution_time`` (seconds), ``output`` and its ``output_format``, ``visibility``,
  ``stdout_visibility``, ``extra_data`` (stored, not shown), and ``tests[]`` of ``name``,
  ``score``, ``max_score``, ``status`` ("passed" / "failed"), ``output``, ``output_format``,
  ``tags``, ``visibility``. ``conformance.reports.grade_reports.gradescope`` writes them;
  ``tests/gradescope_results.schema.json`` is that format as a JSON Schema;
- what ``run_autograder`` prints is kept for instructors only (``/autograder/results/stdout``).

Grading is ``conformance.grading.grade.grade`` on one submission (its picking, isolation and
scoring). This module finds the submission in the upload, hides Gradescope's own files from the
worker, and turns every failure into a results.json with score 0 and the reason: the student
never gets Gradescope's bare "autograder failed", and a broken autograder says what broke.

Exit status: 0 when results.json was written and grades the upload (a 0 for an empty or broken
upload included); 2 when it was written but reports a problem of the autograder (bad options, a
grader crash: all students get 0, so the instructor must look), or when ``--root`` is not a
folder (then nothing is written or created); 1 when it could not be written (``run_autograder``
then writes its own last-resort results.json).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.contract.paths import CODE_SUFFIXES
from conformance.grading.grade import DEFAULT_RANDOM_SEED, GradeError, grade
from conformance.reports import grade_reports
from conformance.running.isolation import essential_paths

DEFAULT_ROOT = Path("/autograder")
# run_autograder passes the secret seed in the environment: a command line can be read in /proc
# by a worker without namespaces, another process's environment cannot.
SEED_VARIABLE = "RNN_CONFORMANCE_RANDOM_SEED"
GRADED, NOT_WRITTEN, PROBLEM = 0, 1, 2
_MAX_DEPTH = 3  # hw.zip holding hw/ holding hw/: lone folders are followed this deep
UPLOAD_HINT = ("What to upload: your notebook (.ipynb) or .py file (or a .zip of the folder holding it) that "
               "defines the suite's functions. Files whose names start with _ or . are ignored.")


def default_paths(root: Path) -> tuple[Path, Path]:
    """Gradescope's upload folder and results file under ``root``."""
    return root / "submission", root / "results" / "results.json"


def _listing(folder: Path) -> list[Path]:
    """A folder's entries, without what zip tools and editors add (dot files, __MACOSX, __pycache__)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__")))


def find_submission(upload: Path) -> Path:
    """What to hand to the grader's picker (conformance.running.submissions): the upload folder; the lone
    folder it holds when it holds no code (an uploaded zip of a folder), followed up to
    _MAX_DEPTH deep; or its lone notebook when it holds no .py file. Raises OSError when a
    folder cannot be read."""
    folder = upload
    for _ in range(_MAX_DEPTH):
        if not folder.is_dir():
            return folder  # missing: the picker's result says so
        entries = _listing(folder)
        code = [p for p in entries if p.suffix in CODE_SUFFIXES and not p.name.startswith("_") and p.is_file()]
        folders = [p for p in entries if p.is_dir()]
        if not code and len(folders) == 1:
            folder = folders[0]
            continue
        notebooks = [p for p in code if p.suffix == ".ipynb"]
        if len(notebooks) == 1 and len(code) == 1:
            return notebooks[0]
        return folder
    return folder


def hidden_paths(root: Path, results: Path, upload: Path) -> list[Path]:
    """What no worker may see: the instructor's files (source/ and the copy of run_autograder,
    which hold the secret seed), the results folder (results.json is ours alone), the students'
    names in submission_metadata.json, and the upload (the worker has its own copy)."""
    return [root, root / "source", root / "run_autograder", root / "submission_metadata.json",
            results.parent, upload]


def unhideable(paths: Sequence[Path]) -> list[Path]:
    """Those of ``paths`` the sandbox must leave visible, because Python or NumPy is inside."""
    keep = [Path(p) for p in essential_paths()]
    return [p for p in paths if p.exists() and any(k == p.resolve() or p.resolve() in k.parents for k in keep)]


def problem_results(reason: str, seconds: float) -> dict[str, Any]:
    """results.json for an autograder that could not grade: score 0, and why."""
    return {"score": 0.0, "execution_time": round(seconds, 3),
            "output": f"The autograder could not grade this submission: {reason}\nThis is a problem of the "
                      f"autograder, not of your submission: please tell your instructor.",
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"autograder_error": reason}, "tests": []}


def write_results(path: Path, data: dict[str, Any]) -> bool:
    """Write ``data`` whole (or not at all) to ``path``; False, and why on stderr, if that failed."""
    try:
        grade_reports.write_atomic(path, json.dumps(data, indent=2, allow_nan=False) + "\n")
    except Exception as exc:  # noqa: BLE001 - the caller falls back; the reason goes to the instructor's log
        print(f"gradescope: cannot write {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return False
    return True


def _relative(file: str | None, upload: Path) -> str | None:
    if file is None:
        return None
    try:
        return str(Path(file).resolve().relative_to(upload.resolve()))
    except ValueError:
        return file


def _grade(upload: Path, results: Path, root: Path, options: dict[str, Any], started: float
           ) -> tuple[dict[str, Any], int]:
    try:
        target = find_submission(upload)
    except OSError as exc:
        return problem_results(f"cannot read the submission folder {upload}: {exc}",
                               time.monotonic() - started), PROBLEM
    hide = hidden_paths(root, results, upload)
    for path in unhideable(hide[1:]):
        print(f"gradescope: WARNING: {path} stays visible to the submission: Python or NumPy is inside it; "
              f"install them elsewhere (setup.sh uses /opt)")
    with tempfile.TemporaryDirectory(prefix="rnn-conformance-gradescope-") as out:
        try:
            [result] = grade([target], Path(out), jobs=1, progress=False, report=False, hide=[str(p) for p in hide], **options)
        except GradeError as exc:
            return problem_results(str(exc), time.monotonic() - started), PROBLEM
    data = grade_reports.gradescope(result)
    if result.file is None:  # nothing in the upload could be graded: say what would be
        data["output"] += f"\n\n{UPLOAD_HINT}"
    data["extra_data"].update({"graded_file": _relative(result.file, upload), "suite": result.suite,
                               "status": result.status, "random_cases": options["random_cases"]})
    return data, GRADED


def grade_upload(upload: Path, results: Path, root: Path = DEFAULT_ROOT, **options: Any) -> int:
    """Grade Gradescope's ``upload`` into ``results`` (options: suite, timeout, memory_mb,
    random_cases, random_seed, profile, points, as for conformance.grading.grade.grade); the exit status (module
    docstring)."""
    started = time.monotonic()
    print(f"rnn-conformance gradescope: package {Path(__file__).resolve().parents[1]}; submission {upload}")
    if options.get("random_seed") == DEFAULT_RANDOM_SEED:
        print(f"gradescope: WARNING: the hidden cases use the default --random-seed {DEFAULT_RANDOM_SEED}, "
              f"which anyone can read in this package: choose your own, secret one")
    try:
        data, code = _grade(upload, results, root, options, started)
    except Exception as exc:  # noqa: BLE001 - a grader bug must still leave a results.json that says so
        traceback.print_exc(file=sys.stdout)  # the instructor's log; the student sees one line
        data, code = problem_results(f"the grader failed: {type(exc).__name__}: {exc}",
                                     time.monotonic() - started), PROBLEM
    if not write_results(results, data):
        return NOT_WRITTEN
    graded = data["extra_data"].get("graded_file")
    print(f"gradescope: wrote {results}: score {data['score']:g} of {data['extra_data'].get('max_score', 0):g}"
          + (f" ({graded})" if graded else "") + ("" if code == GRADED else " — the autograder failed, see above"))
    return code


def _option_value(argv: Sequence[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in ``argv`` (the last one given)."""
    value = None
    for k, arg in enumerate(argv):
        if arg == name and k + 1 < len(argv):
            value = argv[k + 1]
        elif arg.startswith(f"{name}="):
            value = arg.split("=", 1)[1]
    return value


def option_error(argv: Sequence[str], message: str) -> int:
    """Bad options still leave a results.json that says so: at --results if given, else under
    --root, else Gradescope's. Returns the exit status (PROBLEM, or NOT_WRITTEN)."""
    if message.startswith("argument --random-seed"):  # a mistyped secret is still nearly the secret
        message = "argument --random-seed: not an integer (the value is not shown: it is meant to be secret)"
    results = _option_value(argv, "--results")
    root = Path(_option_value(argv, "--root") or DEFAULT_ROOT)
    if not results and not root.is_dir():  # a root that is not there is never created (cli.cmd_gradescope)
        return PROBLEM
    path = Path(results) if results else default_paths(root)[1]
    written = write_results(path, problem_results(f"the autograder's options are wrong: {message}", 0.0))
    return PROBLEM if written else NOT_WRITTEN
