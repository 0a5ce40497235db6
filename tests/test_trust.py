"""What a course takes for granted: bad options are one-line errors, reports are readable by the
course's staff and never mix two runs, the reference is not a submission, the harness never
warns, and `pytest --target` finishes whatever the target does."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import oracle
from conformance.contract.spec import load_suite
from conformance.judging import compare, reference

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
TARGETS = Path(__file__).parent / "targets"
DLAI = [spec.function for spec in load_suite("dlai")]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.mark.parametrize("option, words", [
    (["--jobs", "0"], "--jobs: must be at least 1"), (["--jobs", "-2"], "--jobs: must be at least 1"),
    (["--random-cases=-1"], "--random-cases: must be at least 0"), (["--timeout", "0"], "positive number"),
    (["--memory-mb", "1"], "--memory-mb: must be at least 64"), (["--jobs", "x"], "expected an integer")])
def test_bad_grade_options_are_one_line_errors(tmp_path: Path, option: list[str], words: str) -> None:
    done = cli("grade", str(EXAMPLES / "bob.py"), "--out", str(tmp_path / "out"), *option)
    assert done.returncode == 2 and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_out_that_is_a_file_or_someone_elses_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    done = cli("grade", str(EXAMPLES / "bob.py"), "--out", str(tmp_path / "file"))
    assert done.returncode == 2 and "is a file" in done.stderr and len(done.stderr.splitlines()) == 1
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    done = cli("grade", str(EXAMPLES / "bob.py"), "--out", str(theirs), "--suite", "dlai", "--timeout", "2")
    assert done.returncode == 2 and "--force" in done.stderr
    done = cli("grade", str(EXAMPLES / "bob.py"), "--out", str(theirs), "--suite", "dlai", "--timeout", "2", "--force")
    assert done.returncode == 0, done.stderr
    assert (theirs / "notes.txt").read_text() == "mine" and (theirs / "bob" / "results.json").is_file()


def test_regrading_clears_only_the_folders_it_wrote_and_honours_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        first = cli("grade", str(EXAMPLES / "bob.py"), str(EXAMPLES / "alice"), "--out", str(out), "--suite", "dlai")
        assert first.returncode == 0, first.stderr
        assert (out / "bob" / "results.json").stat().st_mode & 0o777 == 0o644
        assert (out / "summary.csv").stat().st_mode & 0o777 == 0o644
        (out / "alice" / "instructor-notes.txt").write_text("keep me")  # not ours: never deleted
        again = cli("grade", str(EXAMPLES / "bob.py"), "--out", str(out), "--suite", "dlai")
        assert again.returncode == 0, again.stderr
    finally:
        os.umask(old)
    assert (out / "bob" / "results.json").is_file() and not (out / "alice" / "results.json").exists()
    assert (out / "alice" / "instructor-notes.txt").read_text() == "keep me"
    rows = (out / "summary.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("bob,")


def test_relative_error_never_divides_by_an_expected_zero() -> None:
    with np.errstate(all="raise"):
        mismatch = compare.compare("dx", np.array([1e308, -1e308]), np.array([0.0, 1e-300]), 1e-7, 1e-9)
    text = str(mismatch)
    assert "expected 0, so no relative error" in text and not re.search(r"rel err [0-9.]+e\+\d{3}", text)


def test_the_reference_imported_or_execd_is_recognised() -> None:
    imported = types.ModuleType("student")
    exec("from oracle.dlai import *", vars(imported))
    assert set(reference.matches(imported, None, DLAI)) >= {"rnn_forward", "lstm_backward"}
    execd = types.ModuleType("student")
    folder = Path(oracle.__file__).parent
    (source := (folder / "dlai.py").read_text())
    namespace = {"numerics": oracle.numerics, "dsigmoid_from_output": oracle.numerics.dsigmoid_from_output,
                 "dtanh_from_output": oracle.numerics.dtanh_from_output}
    exec(compile(source.replace("from oracle import numerics\n", "").replace(
        "from oracle.numerics import dsigmoid_from_output, dtanh_from_output\n", ""), "<student>", "exec"), namespace)
    vars(execd).update({n: namespace[n] for n in DLAI})
    found = reference.matches(execd, None, DLAI)
    assert "rnn_cell_backward" in found and "code is the reference" in found["rnn_cell_backward"]


def test_people_writing_their_own_code_are_not_flagged() -> None:
    from conformance.running.target import load_target

    for file in [EXAMPLES / "alice" / "rnn_utils.py", EXAMPLES / "bob.py", TARGETS / "seed001_dlai.py",
                 TARGETS / "seed002_dlai.py", TARGETS / "seed003_cs231n.py", TARGETS / "seed004_dlai.py"]:
        module = load_target(str(file))
        names = [spec.function for suite in ("dlai", "cs231n") for spec in load_suite(suite)]
        assert reference.matches(module, str(file), names) == {}, file


def test_in_process_copy_gets_a_verdict_not_points(pytester: pytest.Pytester) -> None:
    target = pytester.makepyfile(copied="from oracle.dlai import *\n")
    result = pytester.runpytest("-p", "no:cacheprovider", f"--target={target}", "--in-process", "-k", "rnn_forward")
    result.stdout.fnmatch_lines(["*`rnn_forward` matches the reference implementation: its code is the reference's*"])
    assert result.ret == 1


def test_dave_and_erin_finish_with_a_summary_under_warnings_as_errors(pytester: pytest.Pytester) -> None:
    """The bundled infinite loop and os._exit: timeout and exit verdicts, the summary, no INTERNALERROR."""
    dave = pytester.runpytest("-p", "no:cacheprovider", f"--target={EXAMPLES / 'dave.py'}", "--timeout=1",
                              "-W", "error")
    dave.stdout.fnmatch_lines(["*did not finish within 1 s; the worker was killed*",
                               "*rnn-conformance: dlai suite, * of 10 functions conform*"])
    assert "INTERNALERROR" not in dave.stdout.str() + dave.stderr.str()
    erin = pytester.runpytest("-p", "no:cacheprovider", f"--target={EXAMPLES / 'erin.py'}", "-W", "error")
    erin.stdout.fnmatch_lines(["*exited with code 3*", "*rnn-conformance: dlai suite, * of 10 functions conform*"])
    assert erin.ret == 1 and "INTERNALERROR" not in erin.stdout.str() + erin.stderr.str()


def test_hostile_values_are_verdicts_under_warnings_as_errors(pytester: pytest.Pytester) -> None:
    (pytester.path / "_correct_dlai.py").write_text((TARGETS / "_correct_dlai.py").read_text())
    target = pytester.makepyfile(huge="import numpy as np\nfrom _correct_dlai import *\n"
                                      "def rnn_backward(da, caches):\n"
                                      "    g = _rb(da, caches)\n"
                                      "    return {k: v * 1e308 for k, v in g.items()}\n"
                                      "from _correct_dlai import rnn_backward as _rb\n")
    for mode in ([], ["--in-process"]):
        result = pytester.runpytest("-p", "no:cacheprovider", f"--target={target}", "-W", "error", "-k",
                                    "rnn_backward", *mode)
        text = result.stdout.str()
        # the target's own overflow is recorded in its verdict, never raised; the harness warns nothing
        assert all("note: your code warned" in line for line in text.splitlines() if "Warning" in line), text[-3000:]
        assert "INTERNALERROR" not in text and "Traceback" not in text
        result.stdout.fnmatch_lines(["*dx: * elements differ*"])
