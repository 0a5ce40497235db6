"""Issue 28: Landlock, the worker's file layer that needs no namespaces. Without them (the fallback)
it is the only thing between a submission and the grading machine's files; with them, a second layer."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conformance.running import sandbox, template
from conformance.running.confinement import landlock
from conformance.running.isolation import IsolatedTarget

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"
LOOKS = ("import os\n\ndef look(path):\n    try:\n        with open(path) as f:\n            return f.read()\n"
         "    except OSError as exc:\n        return 'kept out: ' + type(exc).__name__\n\n"
         "def write_here(name):\n    with open(name, 'w') as f:\n        f.write('mine')\n    return open(name).read()\n")
needs_landlock = pytest.mark.skipif(landlock.abi_version() == 0, reason="this kernel has no Landlock")


@pytest.fixture
def fallback(monkeypatch: pytest.MonkeyPatch):
    """Workers started without namespaces (the switch is read by a template started after it is set)."""
    monkeypatch.setenv(sandbox.FORCE_FALLBACK, "1")
    template.close_all()
    yield
    template.close_all()


@pytest.fixture
def planted():
    """World-readable files outside the worker's allow-list: DAC would let any user read them."""
    places = [Path(tempfile.mkdtemp(prefix="rnn-conformance-landlock-", dir=d)) for d in ("/var/tmp", "/tmp")]
    places.append(Path(tempfile.mkdtemp(prefix=".rnn-conformance-landlock-", dir=Path.home())))
    try:
        for place in places:
            place.chmod(0o755)
            (place / "secret.txt").write_text("the grading machine's\n")
            (place / "secret.txt").chmod(0o644)
        yield [str(place / "secret.txt") for place in places]
    finally:
        for place in places:
            shutil.rmtree(place)


def test_handled_rights_follow_the_abi() -> None:
    assert landlock.handled_fs(1) == (1 << 13) - 1
    assert landlock.handled_fs(2) & landlock.REFER and not landlock.handled_fs(2) & landlock.TRUNCATE
    assert landlock.handled_fs(4) & landlock.TRUNCATE and not landlock.handled_fs(4) & landlock.IOCTL_DEV
    assert landlock.handled_fs(7) & landlock.IOCTL_DEV


@needs_landlock
def test_without_namespaces_landlock_alone_keeps_the_graders_files_out(fallback, planted, tmp_path: Path) -> None:
    """On 619e200 the fallback read every planted file ("files not protected")."""
    (tmp_path / "looks.py").write_text(LOOKS)
    (tmp_path / "data.txt").write_text("beside the submission\n")
    target = IsolatedTarget(str(tmp_path / "looks.py"), timeout=20)
    try:
        described = target.sandbox
        reached = {path: target.look(path) for path in planted}
        beside = target.look(str(tmp_path / "data.txt"))
        written = target.write_here("scratch.txt")
    finally:
        target.close()
    assert described.startswith("no namespaces (disabled by RNN_CONFORMANCE_NO_NAMESPACES=1)"), described
    assert all(seen == "kept out: PermissionError" for seen in reached.values()), reached
    assert f"files limited by Landlock (ABI {landlock.abi_version()})" in described, described
    assert beside == "beside the submission\n" and written == "mine"  # its own folder and its scratch folder


@needs_landlock
def test_without_namespaces_a_correct_submission_still_grades_fully(fallback, tmp_path: Path) -> None:
    """alice (all ten functions right, her own rnn_utils.py beside them): Landlock leaves Python, NumPy
    and her folder readable."""
    from report_classes import run_grade

    [result] = run_grade([EXAMPLES / "alice"], tmp_path / "out", suite="dlai", isolate=True, report=False)
    assert result.status == "graded"
    assert [i.name for i in result.items if i.outcome != "pass"] == []
    assert "files limited by Landlock (ABI" in str(result.limits), result.limits


@needs_landlock
def test_with_namespaces_the_header_names_landlock_as_a_second_layer(tmp_path: Path) -> None:
    if os.environ.get(sandbox.FORCE_FALLBACK) == "1":
        pytest.skip("namespaces switched off for this whole run")
    (tmp_path / "looks.py").write_text(LOOKS)
    target = IsolatedTarget(str(tmp_path / "looks.py"), timeout=20)
    try:
        described = target.sandbox
    finally:
        target.close()
    assert described.startswith("own user, PID, mount and network namespaces"), described
    assert f"files also limited by Landlock (ABI {landlock.abi_version()})" in described, described
