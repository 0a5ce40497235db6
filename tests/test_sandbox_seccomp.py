"""The worker's system-call filter (conformance/running/confinement/seccomp.py): each refused call
fails with EPERM in a process that installed it, and what our own worker code needs still works."""
from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import socket
import threading

import numpy as np
import pytest

from conformance.running.confinement import seccomp

MACHINE = platform.machine()
needs_filter = pytest.mark.skipif(MACHINE not in ("x86_64", "aarch64"), reason="no filter for this architecture")
CLONE_NEWUSER, SIGCHLD = 0x10000000, 17


def _filtered(attempt) -> dict:
    """``attempt()`` (-> a JSON-able dict) in a forked child that installed the filter first."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.close(read)
            said = seccomp.install()
            os.write(write, json.dumps({"installed": said, **attempt()}).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        text = f.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def _errno_of(number: int, *args: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    ret = libc.syscall(ctypes.c_long(number), *[ctypes.c_long(a) for a in args])
    if ret == 0 and number == seccomp._NUMBERS[MACHINE][1]["clone"]:  # a child got through: it ends here
        os._exit(0)
    return 0 if ret >= 0 else ctypes.get_errno()


@needs_filter
def test_every_refused_call_fails_with_eperm() -> None:
    numbers = seccomp._NUMBERS[MACHINE][1]
    got = _filtered(lambda: {name: _errno_of(numbers[name], 0, 0, 0, 0, 0) for name in seccomp._DENIED})
    assert got.pop("installed").startswith("system calls filtered"), got
    assert got == {name: errno.EPERM for name in seccomp._DENIED}


@needs_filter
def test_namespaces_by_clone_and_inet_sockets_are_refused_unix_ones_are_not() -> None:
    clone = seccomp._NUMBERS[MACHINE][1]["clone"]

    def attempt() -> dict:
        try:
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            inet = 0
        except OSError as exc:
            inet = exc.errno
        a, b = socket.socketpair()
        a.close(), b.close()
        return {"clone_newuser": _errno_of(clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), "inet": inet,
                "clone3": _errno_of(seccomp._NUMBERS[MACHINE][1]["clone3"], 0, 0)}

    got = _filtered(attempt)
    assert got["clone_newuser"] == errno.EPERM and got["inet"] == errno.EPERM
    assert got["clone3"] == errno.ENOSYS  # so glibc falls back to clone, whose flags are checked


@needs_filter
def test_what_the_worker_needs_still_works_under_the_filter() -> None:
    def attempt() -> dict:
        ran = []
        thread = threading.Thread(target=lambda: ran.append(1))
        thread.start(), thread.join()
        child = os.fork()
        if child == 0:
            os._exit(7)
        a = np.arange(40_000.0).reshape(200, 200)
        return {"thread": ran, "fork": os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]),
                "matmul": float((a @ a)[0, 0])}

    assert _filtered(attempt) == {"installed": _filtered(lambda: {})["installed"], "thread": [1], "fork": 7,
                                  "matmul": float((np.arange(40_000.0).reshape(200, 200) @
                                                   np.arange(40_000.0).reshape(200, 200))[0, 0])}


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_each_program_checks_the_architecture_and_every_jump_lands_inside(machine: str) -> None:
    code = seccomp.program(machine)
    assert code[0] == (0x20, 0, 0, 4) and code[1][3] == seccomp._NUMBERS[machine][0]  # arch loaded and compared
    for i, (op, jt, jf, _) in enumerate(code):
        if op & 0x07 == 0x05:  # a jump: both targets forward, inside the program
            assert 0 <= jt and 0 <= jf and i + 1 + max(jt, jf) < len(code), (i, jt, jf)
    assert code[-1] == (0x06, 0, 0, 0x00050000 | errno.EPERM) and len(code) < 256


def test_an_unknown_architecture_is_said_not_filtered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seccomp.platform, "machine", lambda: "riscv64")
    assert seccomp.install() == "no system-call filter (seccomp: architecture riscv64 not supported)"


@needs_filter
def test_the_verdict_names_the_refused_call(tmp_path) -> None:
    """EPERM alone does not say what was refused: the worker's audit hook names it, and only for
    the call that tried it (a later EPERM of another kind is left as it is)."""
    from conformance.running.isolation import IsolatedTarget, TargetRaised

    file = tmp_path / "reaches_out.py"
    file.write_text("import socket\n\n"
                    "def softmax(x):\n    socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n    return x\n\n"
                    "def sigmoid(x):\n    raise PermissionError(1, 'Operation not permitted')\n")
    target = IsolatedTarget(str(file), timeout=20)
    try:
        assert "system calls filtered" in target.sandbox, target.sandbox
        with pytest.raises(TargetRaised) as raised:
            target.softmax(np.zeros(2))
        assert raised.value.type_name == "PermissionError"
        assert str(raised.value).endswith("(the sandbox refuses socket(AF_INET): only AF_UNIX sockets are allowed)")
        with pytest.raises(TargetRaised) as raised:
            target.sigmoid(np.zeros(2))
        assert str(raised.value) == "[Errno 1] Operation not permitted"
    finally:
        target.close()
