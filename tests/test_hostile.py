"""The hostile-target corpus, end to end through `rnn-conformance grade` (isolated).

One class run grades two ordinary submissions (a correct one and one with seed 004's bugs)
together with every hostile submission in tests/hostile/ and the fixture-memorising target.
For each hostile one: its verdict names what happened. For the class: the ordinary
submissions' grades equal those of a run without the hostile ones, the spec and fixtures
are byte-for-byte unchanged, the grader exits 0 and writes every report, and no process a
submission started outlives the run.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import paths

HERE = Path(__file__).parent
HOSTILE = sorted((HERE / "hostile").glob("*.py"))
ORDINARY = [HERE.parent / "examples" / "submissions" / "alice", HERE.parent / "examples" / "submissions" / "bob.py"]
MEMORISED = HERE / "targets" / "memorised.py"
OPTIONS = ["--suite", "dlai", "--timeout", "1", "--memory-mb", "256", "--random-cases", "1", "--jobs", "2"]


def expectation(file: Path) -> dict:
    """VERDICT / WORDS / ANY_OF of a hostile file, read as text: importing it is the hazard."""
    namespace: dict = {}
    for line in file.read_text().splitlines():
        if line.startswith(("VERDICT", "ANY_OF")):
            exec(line, namespace)  # our own one-line literals
    return namespace


def tree_digest() -> str:
    digest = hashlib.sha256()
    for root in (paths.spec_dir(), paths.fixtures_dir()):
        for file in sorted(root.rglob("*")):
            if file.is_file():
                digest.update(str(file).encode() + file.read_bytes())
    return digest.hexdigest()


def grade(submissions: list[Path], out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.cli", "grade", *map(str, submissions),
                           "--out", str(out), *OPTIONS], capture_output=True, text=True, env=env, timeout=600)


def grades(out: Path, name: str) -> dict:
    """A submission's results.json without its timings."""
    data = json.loads((out / name / "results.json").read_text())
    data.pop("execution_time")
    data["output"] = data["output"].splitlines()[0]
    return data


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    pid_dir = tmp / "pids"
    pid_dir.mkdir()
    env = {**os.environ, "HOSTILE_PID_DIR": str(pid_dir)}
    before = tree_digest()
    baseline = grade(ORDINARY, tmp / "baseline", env)
    run = grade(ORDINARY + HOSTILE + [MEMORISED], tmp / "class", env)
    return {"baseline": baseline, "run": run, "out": tmp / "class", "base_out": tmp / "baseline",
            "before": before, "after": tree_digest(), "pid_dir": pid_dir}


def test_the_grader_exits_normally_with_every_report(class_run):
    run = class_run["run"]
    assert run.returncode == 0, run.stderr[-2000:]
    rows = list(csv.DictReader((class_run["out"] / "summary.csv").read_text().splitlines()))
    assert len(rows) == len(ORDINARY) + len(HOSTILE) + 1
    assert all(row["status"] == "graded" for row in rows), rows
    for row in rows:
        assert (class_run["out"] / row["submission"] / "results.json").is_file()


def test_ordinary_grades_are_unchanged_by_hostile_classmates(class_run):
    assert class_run["baseline"].returncode == 0
    for name in ("alice", "bob"):
        assert grades(class_run["out"], name) == grades(class_run["base_out"], name), name


def test_spec_and_fixtures_are_untouched(class_run):
    assert class_run["after"] == class_run["before"]


def test_no_process_outlives_the_run(class_run):
    pids = [int(p.read_text()) for p in class_run["pid_dir"].glob("*.pid")]
    assert pids, "forks_child.py should have recorded the child it forked"
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize("file", HOSTILE, ids=[f.stem for f in HOSTILE])
def test_each_hostile_verdict_is_precise(class_run, file):
    expect = expectation(file)
    results = json.loads((class_run["out"] / file.stem / "results.json").read_text())
    function = expect["VERDICT"]
    if function is None:  # harmless values, hazardous process: full marks, nothing else broken
        assert results["score"] == results["max_score"], [t for t in results["tests"] if t["status"] != "passed"]
        return
    failed = [t for t in results["tests"] if t["name"].startswith(f"{function}[") and t["status"] == "failed"]
    assert failed, f"no failed {function} item for {file.stem}"
    outputs = "\n".join(t["output"] for t in failed)
    for word in expect["WORDS"]:
        assert word in outputs, outputs[:1500]
    if expect.get("ANY_OF"):
        assert any(word in outputs for word in expect["ANY_OF"]), outputs[:1500]
    # Everything but the hostile function (and what is built on it) still earns its points.
    assert results["score"] > 0.5 * results["max_score"], results["score"]


def test_memorised_answers_fail_the_hidden_cases(class_run):
    results = json.loads((class_run["out"] / "memorised" / "results.json").read_text())
    hidden = [t for t in results["tests"] if t["visibility"] == "after_due_date"]
    assert hidden and all(t["status"] == "failed" for t in hidden)
    for test in hidden:  # a hidden case names what is wrong, never a value
        assert test["output"].startswith("hidden case:") and not re.search(r"\d\.\d|\de[-+]?\d", test["output"])
