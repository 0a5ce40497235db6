"""The built wheel carries spec/ and fixtures/ and works from any directory.

Builds the wheel from this checkout, unpacks it with ``pip install --no-deps --target``
(dependencies come from the test environment), and runs ``validate``, ``list`` and
``pytest --target=...`` from an unrelated folder with that copy first on the path.
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

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "my_rnn.py"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the wheel's files, as pip installs them."""
    work = tmp_path_factory.mktemp("wheel")
    # From a clean copy: setuptools reuses a checkout's stale build/ folder.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                                 ".pytest_cache", "grades"))
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(source)])
    assert built.returncode == 0, f"pip wheel failed:\n{built.stdout}\n{built.stderr}"
    (wheel,) = work.glob("rnn_conformance-*.whl")
    site = work / "site"
    unpacked = _run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)])
    assert unpacked.returncode == 0, f"pip install --target failed:\n{unpacked.stderr}"
    return site


def test_wheel_holds_every_spec_file_and_fixture(installed: Path) -> None:
    data = installed / "conformance" / "_data"
    in_repo = {p.relative_to(ROOT / "spec") for p in (ROOT / "spec").rglob("*.json")}
    in_wheel = {p.relative_to(data / "spec") for p in (data / "spec").rglob("*.json")}
    assert in_wheel == in_repo
    fixtures = {p.relative_to(ROOT / "fixtures") for p in (ROOT / "fixtures").rglob("*.npz")}
    assert {p.relative_to(data / "fixtures") for p in (data / "fixtures").rglob("*.npz")} == fixtures
    top_level = {name.split("/")[0] for name in zipfile.ZipFile(next(installed.parent.glob("*.whl"))).namelist()}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"oracle", "conformance"}


def test_installed_copy_validates_lists_and_judges_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    where = _run([sys.executable, "-c", "import conformance.contract.paths as p; print(p.spec_dir())"], cwd=cwd, env=env)
    assert where.stdout.strip() == str(installed / "conformance" / "_data" / "spec"), where.stderr

    validate = _run([sys.executable, "-m", "conformance.cli", "validate"], cwd=cwd, env=env)
    assert validate.returncode == 0 and "validate: ok" in validate.stdout, validate.stdout + validate.stderr
    listing = _run([sys.executable, "-m", "conformance.cli", "list"], cwd=cwd, env=env)
    assert listing.returncode == 0 and "word_embedding_backward" in listing.stdout, listing.stderr

    shutil.copy(EXAMPLE, cwd / "my_rnn.py")
    judged = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--target=my_rnn.py",
                   "--conformance-report=report.json", "-q"], cwd=cwd, env=env)
    assert judged.returncode == 1, judged.stdout[-2000:] + judged.stderr  # my_rnn.py has two real bugs
    report = json.loads((cwd / "report.json").read_text())
    assert report["totals"]["items"] == 89 and report["functions"]["rnn_cell_backward"]["status"] == "fail"


def test_an_installed_wheel_has_the_checkouts_grader_digest(installed: Path, tmp_path: Path) -> None:
    """A cluster mixes a checkout (the client) and wheels (the workers): the digest that must
    match between them covers the same files in both."""
    from conformance.grading import remote_job

    env = {**os.environ, "PYTHONPATH": str(installed)}
    theirs = _run([sys.executable, "-c", "from conformance.grading import remote_job; print(remote_job.grader_digest())"],
                  cwd=tmp_path, env=env)
    assert theirs.returncode == 0, theirs.stderr
    assert theirs.stdout.strip() == remote_job.grader_digest()
