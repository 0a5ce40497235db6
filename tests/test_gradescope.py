"""Gradescope autograder mode, end to end, as Gradescope runs it.

The instructor's zip is built by ``examples/gradescope/build_autograder.py`` and unpacked into
a simulated ``/autograder`` tree (``TMP/autograder/source``, plus Gradescope's copy of
``run_autograder``); the zip's own wheel is installed with ``pip install --no-deps --target``
(its dependencies come from this environment) and ``run_autograder`` runs with
``AUTOGRADER_ROOT`` pointing at the tree. Each ``results.json`` must validate against
Gradescope's documented format (``gradescope_results.schema.json``) and carry the right scores.
Then every way the autograder itself can fail must still leave a results.json saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conformance.grading import gradescope
from conformance.running import sandbox
from conformance.cli import main
from conformance.grading.grade_submission import all_refs
from conformance.contract.spec import load_suite
from notebooks import course_notebook, top_level_blocks, write_notebook

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "gradescope"
SUBMISSIONS = REPO / "examples" / "submissions"
CORRECT = Path(__file__).parent / "targets" / "_correct_dlai.py"
SCHEMA = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
SEED = 97531  # the instructor's secret in these tests: nothing a student sees may show it
DLAI = load_suite("dlai")
DLAI_POINTS = sum(spec.points for spec in DLAI)
ITEMS = len(all_refs(DLAI, 2))  # run_autograder's default: 2 hidden cases per function


def schema_errors(data: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def unpack(archive: Path, dest: Path) -> None:
    """Unzip as unzip(1) does: with the modes stored in the archive."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, dest))
            if info.external_attr >> 16 & 0o777:
                path.chmod(info.external_attr >> 16 & 0o777)


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    built = subprocess.run([sys.executable, str(EXAMPLE / "build_autograder.py"), "--suite", "dlai",
                            "--random-seed", str(SEED), "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.fixture(scope="module")
def site(autograder_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip's wheel, installed as setup.sh installs it, less the dependencies."""
    work = tmp_path_factory.mktemp("site")
    unpack(autograder_zip, work / "unzipped")
    (wheel,) = (work / "unzipped").glob("rnn_conformance-*.whl")
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                                str(work / "site"), str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    return work / "site"


def make_tree(base: Path, autograder_zip: Path, config: str = "") -> Path:
    """/autograder as Gradescope builds it: source/ (the zip, unpacked), its copy of run_autograder,
    an empty submission/ (and ``config`` appended to source/config.sh)."""
    root = base / "autograder"
    unpack(autograder_zip, root / "source")
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    if config:
        with open(root / "source" / "config.sh", "a") as f:
            f.write(config)
    return root


def run_autograder(root: Path, site: Path, command: str | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if k != sandbox.FORCE_FALLBACK}
    env.update(AUTOGRADER_ROOT=str(root), PYTHONPATH=str(site),
               RNN_CONFORMANCE=command or str(site / "bin" / "rnn-conformance"))
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=900)  # a guard against a hang, not a timing assertion
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert schema_errors(results) == [], schema_errors(results)
    return results, done


def earned(results: dict) -> dict[str, float]:
    """Points per function, from the tests (tags[0] is the function)."""
    points: dict[str, float] = {}
    for test in results["tests"]:
        points[test["tags"][0]] = points.get(test["tags"][0], 0.0) + test["score"]
    return points


# ------------------------------------------------------------------ the zip and the schema

def test_the_zip_holds_what_gradescope_runs_at_its_root(autograder_zip: Path) -> None:
    with zipfile.ZipFile(autograder_zip) as zf:
        infos = {info.filename: info for info in zf.infolist()}
        config = zf.read("config.sh").decode()
    wheels = [name for name in infos if name.endswith(".whl")]
    assert set(infos) == {"setup.sh", "run_autograder", "config.sh", *wheels} and len(wheels) == 1
    for script in ("setup.sh", "run_autograder"):
        assert infos[script].external_attr >> 16 & 0o111 == 0o111, f"{script} is not executable"
    assert "SUITE=dlai" in config.splitlines() and f"RANDOM_SEED={SEED}" in config


def test_the_schema_follows_gradescopes_documented_example_and_catches_misspelt_fields() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    documented = {  # the "Output format" example of Gradescope's specs page, without its comments
        "score": 44.0, "execution_time": 136, "output": "Text relevant to the entire submission",
        "output_format": "simple_format", "test_output_format": "text", "test_name_format": "text",
        "visibility": "after_due_date", "stdout_visibility": "visible", "extra_data": {},
        "tests": [{"score": 2.0, "max_score": 2.0, "status": "passed", "name": "Your name here",
                   "name_format": "text", "number": "1.1", "output": "Giant multiline string",
                   "output_format": "text", "tags": ["tag1", "tag2", "tag3"], "visibility": "visible",
                   "extra_data": {}}],
        "leaderboard": [{"name": "Accuracy", "value": .926}, {"name": "Time", "value": 15.1, "order": "asc"},
                        {"name": "Stars", "value": "*****"}]}
    assert schema_errors(documented) == []
    assert schema_errors({"tests": [{"name": "Style check", "status": "failed"}]})  # no score anywhere
    for broken in ({**documented, "exectuion_time": 1}, {**documented, "max_score": 26},
                   {**documented, "stdout_visibility": "shown"},
                   {**documented, "tests": [{"score": 1, "visiblity": "visible"}]},
                   {**documented, "tests": [{"score": 1, "status": "error"}]},
                   {**documented, "tests": [{"score": 1, "output_format": "markdown"}]}):
        assert schema_errors(broken), broken


# ------------------------------------------------------------------ grading, end to end

def test_a_correct_submission_gets_the_suites_total_from_the_zips_own_wheel(tmp_path, autograder_zip, site) -> None:
    root = make_tree(tmp_path, autograder_zip)
    shutil.copy(CORRECT, root / "submission" / "rnn.py")  # a leading _ would make the picker skip it
    results, done = run_autograder(root, site)
    assert f"package {site / 'conformance'}" in done.stdout, done.stdout  # the wheel from the zip ran
    assert results["score"] == pytest.approx(DLAI_POINTS) and results["extra_data"]["max_score"] == DLAI_POINTS
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(DLAI_POINTS)
    assert len(results["tests"]) == ITEMS and all(t["status"] == "passed" for t in results["tests"])
    hidden = [t for t in results["tests"] if t["tags"][1] == "random"]  # tags: function, kind
    assert hidden and all(t["visibility"] == "after_due_date" for t in hidden)
    assert all(t["visibility"] == "visible" for t in results["tests"] if t not in hidden)
    assert results["extra_data"]["graded_file"] == "rnn.py" and results["extra_data"]["suite"] == "dlai"
    assert str(SEED) not in json.dumps(results) + done.stdout + done.stderr


def test_bob_loses_points_exactly_on_his_known_bugs(tmp_path, autograder_zip, site) -> None:
    """Seed 004: softmax shifts by the global max, rnn_cell_backward takes dWaa from da_prev
    (so rnn_backward too), and there is no LSTM backward."""
    root = make_tree(tmp_path, autograder_zip)
    shutil.copy(SUBMISSIONS / "bob.py", root / "submission")
    results, _ = run_autograder(root, site)
    points = earned(results)
    assert 0 < results["score"] < DLAI_POINTS and results["score"] == pytest.approx(sum(points.values()))
    full = {spec.function: spec.points for spec in DLAI}
    for function in ("softmax", "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"):
        assert points[function] < full[function], function
    assert points["lstm_backward"] == 0 and points["sigmoid"] == pytest.approx(full["sigmoid"])
    published = next(t for t in results["tests"] if t["name"] == "rnn_cell_backward[published]")
    assert published["status"] == "failed" and published["output"].startswith("why: dWaa")
    assert "misconception:recurrent-weight-gradient" in published["tags"]


def test_an_uploaded_folder_is_found_and_its_implementation_picked(tmp_path, autograder_zip, site) -> None:
    """A zip of a folder: the upload holds hw3/ (and macOS's __MACOSX/); hw3/ holds the
    implementation and a helper that defines no suite function."""
    root = make_tree(tmp_path, autograder_zip)
    hw3 = root / "submission" / "hw3"
    hw3.mkdir()
    shutil.copy(SUBMISSIONS / "alice" / "rnn_utils.py", hw3)
    shutil.copy(SUBMISSIONS / "carol" / "scratch.py", hw3)
    (root / "submission" / "__MACOSX" / "hw3").mkdir(parents=True)
    (root / "submission" / "__MACOSX" / "hw3" / "._rnn_utils.py").write_bytes(b"\x00\x05\x16\x07")
    results, _ = run_autograder(root, site)
    assert results["extra_data"]["graded_file"] == "hw3/rnn_utils.py"
    assert results["score"] == pytest.approx(DLAI_POINTS)


@pytest.mark.parametrize("layout", ["notebook alone", "notebook beside the course's rnn_utils.py"])
def test_a_notebook_upload_is_graded_like_its_code(tmp_path, autograder_zip, site, layout) -> None:
    """The course hands in a notebook (course layout: magics, test cells, public_tests import);
    alone, its rnn_utils helpers are supplied; beside the helper file, that file is used."""
    root = make_tree(tmp_path, autograder_zip)
    source = CORRECT.read_text()
    if layout == "notebook alone":
        source = "\n\n\n".join(t for _, t in top_level_blocks(source) if not t.startswith(("def softmax(", "def sigmoid(")))
    else:
        (root / "submission" / "rnn_utils.py").write_text("import numpy as np\n\n\ndef softmax(x):\n"
                                                          "    e = np.exp(x - x.max(axis=0))\n    return e / e.sum(axis=0)\n"
                                                          "\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
    write_notebook(root / "submission" / "W1A1.ipynb", course_notebook(source))
    results, _ = run_autograder(root, site)
    assert schema_errors(results) == []
    assert results["extra_data"]["graded_file"] == "W1A1.ipynb"
    assert results["score"] == pytest.approx(DLAI_POINTS), results["output"]
    supplied = "supplied by the grader: `sigmoid`, `softmax`" in results["output"]
    assert supplied == (layout == "notebook alone")
    assert "How your file was read:" in results["output"] and "public_tests" in results["output"]


@pytest.mark.parametrize("upload, says", [
    ({}, "no .py file"),
    ({"homework.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00"}, "cannot import the submission"),
    ({"report.pdf": b"%PDF-1.4\n"}, "no .py file"),
], ids=["empty", "binary-garbage", "no-code"])
def test_an_unusable_upload_scores_zero_and_says_why(tmp_path, autograder_zip, site, upload, says) -> None:
    root = make_tree(tmp_path, autograder_zip)
    for name, data in upload.items():
        (root / "submission" / name).write_bytes(data)
    results, done = run_autograder(root, site)
    assert results["score"] == 0 and says in results["output"], results["output"]
    assert "exited with status 0" in done.stdout  # the submission's fault, not the autograder's
    assert len(results["tests"]) == ITEMS  # the suite comes from config.sh: every item, at 0
    assert all(t["score"] == 0 and t["status"] == "failed" for t in results["tests"])
    if "no .py file" in says:
        assert gradescope.UPLOAD_HINT in results["output"]


def test_the_submission_sees_no_file_of_gradescopes(tmp_path_factory, autograder_zip, site) -> None:
    """A spy in a zipped folder (so not next to /autograder/source) reads for the seed everywhere
    it might be and tries to write into the results folder. The tree is outside /tmp: the
    worker's private /tmp would hide a tree under it anyway, proving nothing about ``hide``."""
    base = Path(os.environ.get("RNN_CONFORMANCE_TEST_OUTSIDE_TMP", "/var/tmp"))
    if not os.access(base, os.W_OK):
        pytest.skip(f"{base} is not writable: set RNN_CONFORMANCE_TEST_OUTSIDE_TMP to a folder outside /tmp")
    work = Path(__import__("tempfile").mkdtemp(prefix="rnn-conformance-test-", dir=base))
    try:
        root = make_tree(work, autograder_zip)
        (root / "submission_metadata.json").write_text(json.dumps({"users": [{"name": "student", "id": SEED}]}))
        spy = (root / "submission" / "hw" / "spy.py")
        spy.parent.mkdir()
        spy.write_text(f"""
import os
ROOT, SEED = {str(root)!r}, {str(SEED)!r}
found, opened = [], []
for path in [ROOT + "/source/config.sh", ROOT + "/run_autograder", ROOT + "/submission_metadata.json"] + [
        f"/proc/{{p}}/{{f}}" for p in os.listdir("/proc") if p.isdigit() for f in ("cmdline", "environ")]:
    try:
        with open(path, "rb") as handle:
            opened.append(path)
            if SEED.encode() in handle.read():
                found.append(path)
    except OSError:
        pass
if SEED in str(os.environ):
    found.append("os.environ")
try:
    open(ROOT + "/results/forged.json", "w").write("{{}}")
    wrote = "yes"
except OSError:
    wrote = "no"
print("SPY found:", found, "wrote:", wrote, "saw in ROOT:", os.listdir(ROOT) if os.path.isdir(ROOT) else None)
""" + CORRECT.read_text())
        results, _ = run_autograder(root, site)
        if "namespaces" not in results["extra_data"]["sandbox"] or "no namespaces" in results["extra_data"]["sandbox"]:
            pytest.skip(f"no sandbox namespaces here: {results['extra_data']['sandbox']}")
        # ROOT is outside the allow-list (issue 28): not even there, let alone listable
        assert "SPY found: [] wrote: no saw in ROOT: None" in results["output"], results["output"]
        assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]
        assert results["score"] == pytest.approx(DLAI_POINTS)
    finally:
        shutil.rmtree(work)


def test_without_namespaces_file_modes_and_the_environment_keep_the_seed(tmp_path, autograder_zip, site) -> None:
    """Where Docker refuses namespaces, the worker runs as nobody and can read any process's
    command line: the seed must travel in the environment, and Gradescope's files must be
    closed to other users. A stand-in rnn-conformance records what it was given."""
    root = make_tree(tmp_path, autograder_zip)
    (root / "submission_metadata.json").write_text("{}")
    record = tmp_path / "record"
    fake = tmp_path / "rnn-conformance"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}.args\nprintf "%s" "$RNN_CONFORMANCE_RANDOM_SEED" '
                    f'> {record}.env\nexit 1\n')
    fake.chmod(0o755)
    run_autograder(root, site, command=str(fake))
    assert str(SEED) not in Path(f"{record}.args").read_text() and Path(f"{record}.env").read_text() == str(SEED)
    private = [root / "source", *(root / "source").iterdir(), root / "run_autograder",
               root / "submission_metadata.json"]
    assert {p.name: p.stat().st_mode & 0o077 for p in private} == {p.name: 0 for p in private}
    assert (root / "results").stat().st_mode & 0o022 == 0


# ------------------------------------------------------------------ the autograder's own failures

@pytest.mark.parametrize("command, says, status", [
    ("/nonexistent/rnn-conformance", "rnn-conformance could not be started", 127),
    ("SCRIPT:kill -SEGV $$", "rnn-conformance stopped (exit status 139) before writing its results", 139),
], ids=["not-installed", "crashed"])
def test_when_python_cannot_grade_run_autograder_writes_the_results(tmp_path, autograder_zip, site, command, says,
                                                                     status) -> None:
    root = make_tree(tmp_path, autograder_zip)
    shutil.copy(CORRECT, root / "submission" / "rnn.py")
    if command.startswith("SCRIPT:"):
        script = tmp_path / "rnn-conformance"
        script.write_text(f"#!/bin/sh\n{command[7:]}\n")
        script.chmod(0o755)
        command = str(script)
    results, done = run_autograder(root, site, command=command)
    assert results["score"] == 0 and results["tests"] == [] and says in results["output"], results["output"]
    assert "not of your submission" in results["output"]
    assert results["extra_data"]["exit_status"] == status and "last-resort" in done.stdout


def test_a_run_over_max_seconds_is_stopped_and_says_so(tmp_path, autograder_zip, site) -> None:
    root = make_tree(tmp_path, autograder_zip, config="MAX_SECONDS=1\n")
    (root / "submission" / "slow.py").write_text("import time\ntime.sleep(120)\n" + CORRECT.read_text())
    results, _ = run_autograder(root, site)
    assert results["score"] == 0 and "grading did not finish within 1 s" in results["output"], results["output"]


def test_bad_options_in_config_still_give_a_results_json(tmp_path, autograder_zip, site) -> None:
    root = make_tree(tmp_path, autograder_zip, config="TIMEOUT=0\n")
    shutil.copy(CORRECT, root / "submission" / "rnn.py")
    results, done = run_autograder(root, site)
    assert results["score"] == 0 and "options are wrong: argument --timeout" in results["output"]
    assert "exited with status 2" in done.stdout


def _main_results(tmp_path: Path, *args: str) -> tuple[int, dict]:
    """``rnn-conformance gradescope`` in this process; its exit status and results.json."""
    results = tmp_path / "out" / "results.json"
    (tmp_path / "ag").mkdir(exist_ok=True)  # Gradescope's root always exists; its submission/ may not
    try:
        code = main(["gradescope", "--root", str(tmp_path / "ag"), "--results", str(results), *args])
    except SystemExit as exc:  # an option error: argparse exits
        code = exc.code
    data = json.loads(results.read_text())
    assert schema_errors(data) == [], schema_errors(data)
    return code, data


def test_option_errors_write_results_and_never_show_the_seed(tmp_path, monkeypatch) -> None:
    code, data = _main_results(tmp_path, "--random-sed", "3")
    assert code == 2 and "unrecognized arguments: --random-sed 3" in data["output"]
    monkeypatch.setenv(gradescope.SEED_VARIABLE, f"{SEED}x")  # a mistyped secret
    code, data = _main_results(tmp_path)
    assert code == 2 and "argument --random-seed: not an integer" in data["output"]
    assert str(SEED) not in json.dumps(data)


def test_a_missing_submission_folder_is_a_graded_zero(tmp_path) -> None:
    code, data = _main_results(tmp_path, "--suite", "dlai", "--random-cases", "0")
    assert code == 0 and data["score"] == 0 and "does not exist" in data["output"]
    assert len(data["tests"]) == len(all_refs(DLAI, 0))


def test_a_grader_crash_and_an_unreadable_upload_still_write_results(tmp_path, monkeypatch) -> None:
    (tmp_path / "ag" / "submission").mkdir(parents=True)

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(gradescope, "grade", crash)
    code, data = _main_results(tmp_path)
    assert code == 2 and data["score"] == 0 and "the grader failed: RuntimeError: boom" in data["output"]

    def unreadable(folder):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(gradescope, "_listing", unreadable)
    code, data = _main_results(tmp_path)
    assert code == 2 and "cannot read the submission folder" in data["output"] and "Permission denied" in data["output"]


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_root_that_is_not_a_folder_is_one_line_and_nothing_is_created(tmp_path, capsys, kind) -> None:
    root = tmp_path / "no" / "such" / "dir"
    if kind == "file":
        root = tmp_path / "autograder"
        root.write_text("")
    code = main(["gradescope", "--root", str(root)])
    captured = capsys.readouterr()
    assert code == gradescope.PROBLEM and captured.out == ""
    what = "does not exist" if kind == "missing" else "is a file, not a folder"
    assert captured.err == (f"gradescope: --root {root} {what} (Gradescope's autograder folder, holding submission/ "
                            f"and results/); nothing was written\n")
    assert [p.name for p in tmp_path.iterdir()] == ([] if kind == "missing" else ["autograder"])


def test_an_option_error_never_creates_a_missing_root(tmp_path, capsys) -> None:
    root = tmp_path / "no" / "such" / "dir"
    with pytest.raises(SystemExit) as exited:
        main(["gradescope", "--root", str(root), "--timeout", "0"])
    assert exited.value.code == gradescope.PROBLEM and list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err.count("\n") == 1  # argparse's one line


def test_off_gradescope_an_explicit_submission_and_results_need_no_root(tmp_path, monkeypatch, capsys) -> None:
    # an instructor trying the autograder on a machine without /autograder
    monkeypatch.setattr(gradescope, "DEFAULT_ROOT", tmp_path / "autograder")
    results = tmp_path / "results.json"
    code = main(["gradescope", "--submission", str(tmp_path / "none.py"), "--results", str(results),
                 "--suite", "dlai", "--random-cases", "0"])
    assert code == gradescope.GRADED and "does not exist" in json.loads(results.read_text())["output"]
    capsys.readouterr()
    code = main(["gradescope", "--submission", str(tmp_path / "none.py")])  # results.json would go under the root
    assert code == gradescope.PROBLEM and f"--root {tmp_path / 'autograder'} does not exist" in capsys.readouterr().err


def test_an_unwritable_results_path_is_exit_status_1(tmp_path) -> None:
    (tmp_path / "file").write_text("")
    code = main(["gradescope", "--root", str(tmp_path), "--results", str(tmp_path / "file" / "results.json")])
    assert code == gradescope.NOT_WRITTEN


def test_find_submission(tmp_path) -> None:
    upload = tmp_path / "submission"
    (upload / "hw" / "hw").mkdir(parents=True)
    (upload / "__MACOSX").mkdir()
    (upload / ".DS_Store").write_text("")
    (upload / "hw" / "hw" / "rnn.py").write_text("")
    assert gradescope.find_submission(upload) == upload / "hw" / "hw"  # lone folders followed
    (upload / "hw" / "hw" / "notes.ipynb").write_text("{}")
    assert gradescope.find_submission(upload) == upload / "hw" / "hw"  # a .py too: the picker chooses
    (upload / "hw" / "hw" / "rnn.py").unlink()
    assert gradescope.find_submission(upload) == upload / "hw" / "hw" / "notes.ipynb"
    (upload / "top.py").write_text("")
    assert gradescope.find_submission(upload) == upload  # code at the top: the upload itself
