"""Issue 28: what an isolated worker can reach. Every probe in tests/hostile/leaks/probes.py is run
in-process, where it must see its leak (proof that it can), and isolated, where it must be kept out."""
from __future__ import annotations

import importlib.util
import os
import platform
import secrets
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from conformance.running import sandbox, template
from conformance.running.confinement import landlock
from conformance.running.isolation import IsolatedTarget

PROBES = Path(__file__).parent / "hostile" / "leaks" / "probes.py"
ROOT_ONLY = {"etc_shadow", "bpf_call"}  # in-process, only root reaches these


@pytest.fixture(scope="module")
def shared():
    """What the grading machine holds that a worker must not reach: files in the grading user's home,
    /var/tmp and /dev/shm, and an abstract unix socket the grader listens on."""
    token = secrets.token_hex(6)
    files = {"home_file": Path.home() / f".rnn-conformance-probe-{token}",
             "var_tmp_file": Path("/var/tmp") / f"rnn-conformance-probe-{token}",
             "dev_shm_file": Path("/dev/shm") / f"rnn-conformance-probe-{token}"}
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(f"\0rnn-conformance-probe-{token}")
    listener.listen(8)
    left = f"rnn-conformance-left-{token}"
    try:
        for path in files.values():
            path.write_text("the grading machine's\n")
        yield {**{k: str(v) for k, v in files.items()}, "abstract_socket": f"\0rnn-conformance-probe-{token}",
               "left_name": left}
    finally:
        listener.close()
        for path in [*files.values(), *(Path(folder) / left for folder in _probes().SHARED_PLACES)]:
            path.unlink(missing_ok=True)


def _probes():
    spec = importlib.util.spec_from_file_location("leak_probes", PROBES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAMES = [probe.__name__ for probe in _probes().PROBES]


@pytest.fixture(scope="module")
def isolated(shared, tmp_path_factory):
    folder = tmp_path_factory.mktemp("submission")
    shutil.copy(PROBES, folder / "probes.py")
    _first_submissions(str(folder / "probes.py"), shared)
    target = IsolatedTarget(str(folder / "probes.py"), timeout=20)
    try:
        return target.probe_all(shared), target.sandbox
    finally:
        target.close()


def _first_submissions(file: str, shared: dict) -> None:
    """What another submission does first (probes.FIRST), each in a worker of its own."""
    for first in _probes().FIRST.values():
        target = IsolatedTarget(file, timeout=20)
        try:
            getattr(target, first.__name__)(shared)
        finally:
            target.close()


@pytest.mark.parametrize("name", NAMES)
def test_each_probe_sees_its_leak_in_process(shared, name: str) -> None:
    if name in ROOT_ONLY and os.geteuid() != 0:
        pytest.skip("only root reaches this outside a sandbox: nothing to prove the probe by")
    probes = _probes()
    wrote = probes.FIRST[name](shared) if name in probes.FIRST else []
    try:
        assert getattr(probes, name)(shared), f"{name} reached nothing in-process: it cannot see a leak"
    finally:  # not left for the isolated probes to find
        for folder in wrote:
            os.unlink(os.path.join(folder, shared["left_name"]))


@pytest.mark.parametrize("name", NAMES)
def test_each_probe_is_kept_out_isolated(isolated, name: str) -> None:
    """On 214895f (namespaces only) all but proc_environ, writes_outside_tmp and abstract_socket
    reached what they probe; bpf_call and inet_socket until the seccomp filter."""
    reached, described = isolated
    assert described.startswith("own user, PID, mount and network namespaces"), described
    assert reached[name] == "", f"{name}: {reached[name]} (sandbox: {described})"


def test_without_namespaces_the_filter_still_holds_and_the_header_says_so(shared, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The seccomp filter needs no namespaces (only no_new_privs): the fallback keeps it, and says
    which layers are missing."""
    monkeypatch.setenv(sandbox.FORCE_FALLBACK, "1")
    shutil.copy(PROBES, tmp_path / "probes.py")
    template.close_all()  # the switch is read by a template started after it is set
    _first_submissions(str(tmp_path / "probes.py"), shared)
    target = IsolatedTarget(str(tmp_path / "probes.py"), timeout=20)
    try:
        reached, described = target.probe_all(shared), target.sandbox
    finally:
        target.close()
        template.close_all()  # the next test's template starts without the switch
    assert described.startswith("no namespaces (disabled by RNN_CONFORMANCE_NO_NAMESPACES=1)"), described
    if platform.machine() in ("x86_64", "aarch64"):
        assert "system calls filtered (seccomp refuses with EPERM" in described, described
        assert reached["bpf_call"] == reached["inet_socket"] == "", reached
    if landlock.abi_version() >= 6:  # the only file layer here, with abstract sockets scoped: all kept out
        assert f"files limited by Landlock (ABI {landlock.abi_version()})" in described, described
        assert {name: seen for name, seen in reached.items() if seen} == {}, described


def test_a_module_target_imports_from_the_graders_path_and_nothing_beside_it_shows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`pytest --target=modname`: the folder it is imported from is on the allow-list (outside /tmp,
    which the worker replaces by its own); a folder beside it is not."""
    base = Path(tempfile.mkdtemp(prefix="rnn-conformance-probe-", dir="/var/tmp"))
    try:
        (base / "lib").mkdir()
        (base / "beside").mkdir()
        (base / "beside" / "secret.txt").write_text("not for the worker\n")
        (base / "lib" / f"{base.name.replace('-', '_')}.py").write_text(
            "import os\ndef look(path):\n    return os.path.exists(path)\n")
        monkeypatch.syspath_prepend(str(base / "lib"))
        target = IsolatedTarget(base.name.replace("-", "_"), timeout=20)
        try:
            assert target.look(str(base / "lib")) is True
            assert target.look(str(base / "beside" / "secret.txt")) is False
        finally:
            target.close()
    finally:
        shutil.rmtree(base)
