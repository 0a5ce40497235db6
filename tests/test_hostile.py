"""The hostile-target corpus, end to end through `rnn-conformance grade` (isolated).

One class run grades two ordinary submissions (a correct one and one with seed 004's bugs)
together with every hostile submission in tests/hostile/, the oracle pasted into a submission,
and the fixture-memorising target, all copied into one submissions folder (classmates side by
side, as an instructor has them) with an absolute --out. For each hostile one: its verdict names
what happened. For the class: the ordinary submissions' results.json equal those of a run
without the hostile ones, the spec and fixtures are byte-for-byte unchanged, the grader exits 0
and writes every report, and no process a submission started outlives the run.

The class is graded twice, by a local pool (``--jobs 2``) and on a Dask LocalCluster of two
worker processes (``--scheduler local:2``): every check holds for both, and the two runs
give every submission the same grades.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import oracle
from conformance.contract import paths, validated
from conformance.running import sandbox
from hostile_expectations import expectation, wrongly_failed

HERE = Path(__file__).parent
HOSTILE = sorted((HERE / "hostile").glob("*.py"))
EXAMPLES = HERE.parent / "examples" / "submissions"
CORRECT = HERE / "targets" / "_correct_dlai.py"
MEMORISED = HERE / "targets" / "memorised.py"
OPTIONS = ["--suite", "dlai", "--timeout", "1", "--memory-mb", "256", "--random-cases", "1"]
MODES = {"local": ["--jobs", "2"], "dask": ["--scheduler", "local:2"]}
PASTED = ["rnn_cell_forward", "rnn_forward", "lstm_forward", "rnn_backward", "lstm_cell_backward", "lstm_backward"]


def pasted_oracle() -> str:
    """The oracle's dlai suite pasted into one file with the modules it imports (mistakes, numerics,
    loops), its imports of them removed: what a student who found the installed package hands in."""
    folder = Path(oracle.__file__).parent
    dlai = (folder / "dlai.py").read_text()
    shim = ("import types as _types\nnumerics = _types.SimpleNamespace(softmax=softmax, sigmoid=sigmoid)\n"
            "del softmax, sigmoid\n")

    def unimported(text: str) -> str:  # the pasted modules' imports of each other, removed
        return re.sub(r"^from oracle[^\n(]*(\([^)]*\))?\n", "", text.replace("from __future__ import annotations\n", ""),
                      flags=re.MULTILINE)

    pasted = [unimported((folder / name).read_text()) for name in ("mistakes.py", "numerics.py", "loops.py")]
    return "from __future__ import annotations\n" + "\n".join(pasted) + "\n" + shim + unimported(dlai)


def build_class(folder: Path, out: Path, hostile: bool) -> list[Path]:
    """The class's submissions in one folder: alice (a folder), bob.py, and with ``hostile`` every
    hostile file (each a folder beside its own copy of the correct module), the pasted oracle and
    the memoriser; @...@ paths filled in."""
    folder.mkdir()
    shutil.copytree(EXAMPLES / "alice", folder / "alice")
    shutil.copy(EXAMPLES / "bob.py", folder / "bob.py")
    subs = [folder / "alice", folder / "bob.py"]
    if not hostile:
        return subs
    fill = {"@OUT@": str(out.resolve()), "@CLASSMATE@": str((folder / "alice" / "rnn_utils.py").resolve()),
            "@SPEC_DIR@": str(paths.spec_dir()), "@FIXTURES_DIR@": str(paths.fixtures_dir()),
            "@ORACLE_DIR@": str(Path(oracle.__file__).parent), "@CACHE_DIR@": str(validated.folder())}
    for file in HOSTILE:
        text = file.read_text()
        for key, value in fill.items():
            text = text.replace(key, value)
        (folder / file.stem).mkdir()
        (folder / file.stem / file.name).write_text(text)
        shutil.copy(CORRECT, folder / file.stem / CORRECT.name)
        if "from probes import" in text:  # the leak probes (tests/hostile/leaks/), beside the one that runs them
            shutil.copy(HERE / "hostile" / "leaks" / "probes.py", folder / file.stem / "probes.py")
        subs.append(folder / file.stem)
    (folder / "pasted_oracle.py").write_text(pasted_oracle())
    shutil.copy(MEMORISED, folder / "memorised.py")
    return subs + [folder / "pasted_oracle.py", folder / "memorised.py"]


def hostile_processes() -> list[str]:
    """Processes a hostile submission started and named (see tests/hostile/README.md)."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            name = comm.read_text().strip()
        except OSError:
            continue
        if name.startswith("hostile-"):
            found.append(f"{comm.parent.name}: {name}")
    return found


def tree_digest() -> str:
    digest = hashlib.sha256()
    for root in (paths.spec_dir(), paths.fixtures_dir()):
        for file in sorted(root.rglob("*")):
            if file.is_file():
                digest.update(str(file).encode() + file.read_bytes())
    return digest.hexdigest()


def grade(submissions: list[Path], out: Path, env: dict, mode: str = "local") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.cli", "grade", *map(str, submissions),
                           "--out", str(out), *OPTIONS, *MODES[mode]], capture_output=True, text=True, env=env,
                          timeout=600)


def grades(out: Path, name: str) -> dict:
    """A submission's results.json without its timings."""
    data = json.loads((out / name / "results.json").read_text())
    data.pop("execution_time")
    data["output"] = data["output"].splitlines()[0]
    return data


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The ordinary submissions graded without hostile classmates."""
    tmp = tmp_path_factory.mktemp("baseline")
    run = grade(build_class(tmp / "subs", tmp / "out", hostile=False), tmp / "out", _env())
    return {"run": run, "out": tmp / "out"}


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if k != sandbox.FORCE_FALLBACK}


@pytest.fixture(scope="module", params=sorted(MODES))
def class_run(request, tmp_path_factory, baseline):
    tmp = tmp_path_factory.mktemp(f"hostile-{request.param}")
    before = tree_digest()
    submissions = build_class(tmp / "subs", tmp / "class", hostile=True)
    # One hostile class at a time on this machine (pytest -n 2 runs the two modes side by side):
    # the processes left are counted by name, and another run's bomb would be counted too.
    with open(Path(tempfile.gettempdir()) / "rnn-conformance-hostile-class.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = grade(submissions, tmp / "class", _env(), request.param)
        left = hostile_processes()
    return {"baseline": baseline["run"], "run": run, "out": tmp / "class", "base_out": baseline["out"],
            "before": before, "after": tree_digest(), "left": left, "count": len(submissions),
            "names": sorted(p.stem for p in submissions), "mode": request.param, "tmp": tmp}


_RUNS: dict[str, dict] = {}


def test_local_and_dask_grade_the_class_alike(class_run):
    """Each submission's results.json (timings and printed output apart) is the same in both modes."""
    _RUNS[class_run["mode"]] = class_run
    if len(_RUNS) < len(MODES):
        assert class_run["run"].returncode == 0  # compared when the other mode's run is done
        return
    def alike(run: dict, name: str) -> str:  # each run has its own folder
        return json.dumps(grades(run["out"], name)).replace(str(run["tmp"]), "<run>")

    local, dask = _RUNS["local"], _RUNS["dask"]
    for name in local["names"]:
        assert alike(dask, name) == alike(local, name), name


def test_the_grader_exits_normally_with_every_report(class_run):
    run = class_run["run"]
    assert run.returncode == 0, run.stderr[-2000:]
    rows = list(csv.DictReader((class_run["out"] / "summary.csv").read_text().splitlines()))
    assert len(rows) == class_run["count"]
    not_graded = {f.stem for f in HOSTILE if "NOT_GRADED" in expectation(f)} | {"memorised"}
    assert {row["submission"] for row in rows if row["status"] != "graded"} == not_graded, rows
    for row in rows:
        assert (class_run["out"] / row["submission"] / "results.json").is_file()
    sandbox_used = json.loads((class_run["out"] / "alice" / "results.json").read_text())["extra_data"]["sandbox"]
    assert "own user, PID, mount and network namespaces" in sandbox_used


def test_ordinary_grades_are_unchanged_by_hostile_classmates(class_run):
    assert class_run["baseline"].returncode == 0
    for name in ("alice", "bob"):
        assert grades(class_run["out"], name) == grades(class_run["base_out"], name), name
        assert grades(class_run["out"], name)["score"] < 999


def test_spec_and_fixtures_are_untouched(class_run):
    assert class_run["after"] == class_run["before"]


def test_no_process_outlives_the_run(class_run):
    assert class_run["left"] == []
    forked = json.loads((class_run["out"] / "fork_bomb" / "results.json").read_text())["output"]
    count = int(re.search(r"forked (\d+) children", forked).group(1))
    assert 0 < count <= sandbox.MAX_PROCESSES, forked  # bounded, and the bomb did run


def test_the_pasted_reference_earns_nothing_for_what_it_copied(class_run):
    results = json.loads((class_run["out"] / "pasted_oracle" / "results.json").read_text())
    copied = results["extra_data"]["matches_reference"]
    assert set(PASTED) <= set(copied), copied
    for test in results["tests"]:
        if test["name"].split("[")[0] in copied:
            assert test["score"] == 0
            if test["visibility"] == "visible":
                assert "matches the reference implementation" in test["output"], test["output"]
    row = next(r for r in csv.DictReader((class_run["out"] / "summary.csv").read_text().splitlines())
               if r["submission"] == "pasted_oracle")
    assert set(PASTED) <= set(row["matches_reference"].split())
    for name in ("alice", "bob"):  # written by people: nothing flagged
        assert json.loads((class_run["out"] / name / "results.json").read_text())["extra_data"]["matches_reference"] == {}


@pytest.mark.parametrize("file", HOSTILE, ids=[f.stem for f in HOSTILE])
def test_each_hostile_verdict_is_precise(class_run, file):
    expect = expectation(file)
    results = json.loads((class_run["out"] / file.stem / "results.json").read_text())
    if "NOT_GRADED" in expect:
        assert results["score"] == 0 and expect["NOT_GRADED"] in results["output"], results["output"][:1500]
        return
    for text in expect.get("PRINTS", []):
        assert text in results["output"], results["output"][:1500]
    function = expect["VERDICT"]
    if function is None:  # harmless values, hazardous process: full marks, nothing else broken
        assert results["score"] == results["extra_data"]["max_score"], [t for t in results["tests"]
                                                                         if t["status"] != "passed"]
        return
    failed = [t for t in results["tests"] if t["name"].startswith(f"{function}[") and t["status"] == "failed"]
    assert failed, f"no failed {function} item for {file.stem}"
    outputs = "\n".join(t["output"] for t in failed)
    for word in expect["WORDS"]:
        assert word in outputs, outputs[:1500]
    if expect.get("ANY_OF"):
        assert any(word in outputs for word in expect["ANY_OF"]), outputs[:1500]
    # Everything but the hostile function (and what is built on it) still earns its points.
    assert results["score"] > 0.5 * results["extra_data"]["max_score"], results["score"]
    if "MAY_FAIL" in expect:  # and, where the file says which, every item it does not name passes
        assert wrongly_failed(results, expect["MAY_FAIL"]) == []


def test_the_memoriser_cannot_reach_the_fixtures(class_run):
    results = json.loads((class_run["out"] / "memorised" / "results.json").read_text())
    assert results["score"] == 0
    assert "the reference implementation is not available to submissions" in results["output"]
