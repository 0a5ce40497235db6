"""The worker template: a fresh interpreter that forks the workers running submissions.

One per grading process (or pytest run), started at first use, or early with ``start``
so that it boots (~0.25 s: Python and NumPy) while the caller does other work. This module
imports nothing heavy, NumPy included: the plugin starts the template before anything else.
See worker.py for what runs in it, and worker_process.py for the workers' protocol.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from conformance.running.sandbox import FORCE_FALLBACK

PRELOAD: list[str] = []  # what templates started from now on import before forking (see preload)


def preload(modules: list[str]) -> None:
    """Templates started from now on (in this process and the grading processes it forks) import
    ``modules`` before forking any worker: for a class graded in a suite whose targets may use a
    tensor framework, so that each worker does not import it again, and all of them find it
    mapped alike. Only installed modules are kept."""
    PRELOAD[:] = [name for name in modules if importlib.util.find_spec(name) is not None]


class TemplateError(Exception):
    """The template could not start a worker (it died, or never answered)."""


def package_root() -> str:
    return str(Path(__file__).resolve().parents[2])  # the folder holding conformance/


def numpy_root() -> str:
    """The folder NumPy is installed in, found without importing it."""
    spec = importlib.util.find_spec("numpy")
    return str(Path(spec.origin).resolve().parents[1])


def worker_env() -> dict[str, str]:
    """The template's environment: only what Python and BLAS need, none of the grader's secrets
    (and the switch that tests the sandbox's fallback)."""
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", FORCE_FALLBACK)
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({var: "1" for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    return env


class Template:
    """A fresh interpreter (NumPy and conformance.running.worker imported, nothing else of ours) that
    forks workers on request."""

    _by_pid: dict[int, "Template"] = {}

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        code = (f"import sys; sys.path[:0] = {[package_root(), numpy_root()]!r}; "
                f"from conformance.running.worker import main; main({theirs.fileno()}, {tuple(PRELOAD)!r})")
        self.process = subprocess.Popen([sys.executable, "-I", "-c", code], pass_fds=[theirs.fileno()],
                                        env=worker_env(), stdin=subprocess.DEVNULL, cwd="/")
        theirs.close()
        self.socket = ours

    def close(self) -> None:
        """Closing the socket ends the template (its workers are killed by their owners)."""
        self.socket.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def spawn(self, job: dict, fds: list[int]) -> int:
        """Fork a worker chain for ``job`` with ``fds`` (request, reply, status, output); its pid."""
        try:
            socket.send_fds(self.socket, [json.dumps(job).encode()], fds)
            self.socket.settimeout(60)
            answer = self.socket.recv(4096)
        except OSError as exc:
            answer = b""
            reason = str(exc)
        else:
            reason = "it exited"
        if not answer:
            self.process.kill()
            raise TemplateError(f"the worker template could not start a worker ({reason})")
        return int(json.loads(answer)["pid"])


def get() -> Template:
    """This process's template (a forked grading process starts its own); a dead one is replaced."""
    template = Template._by_pid.get(os.getpid())
    if template is None or template.process.poll() is not None:
        if template is not None:
            template.close()
        elif not Template._by_pid:
            atexit.register(close_all)
        template = Template._by_pid[os.getpid()] = Template()
    return template


def start() -> None:
    """Start this process's template now, so that it boots while we do other work."""
    get()


def close_all() -> None:
    template = Template._by_pid.pop(os.getpid(), None)
    if template is not None:
        template.close()
