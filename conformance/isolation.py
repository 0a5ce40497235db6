"""Run an untrusted target in a worker process: timeouts, resource limits, no pickles.

:class:`IsolatedTarget` looks like a module to the harness: its attributes are the
target's functions, and calling one sends the arguments to a forked worker, which runs
the target's code and sends back the result and the arguments' state after the call (so
in-place mutation is still seen). Values cross as JSON plus raw array bytes (wire.py);
objects that are not plain data stay in the worker as handles (caches).

The worker: its own session (killed as a process group), a scratch working directory,
stdout/stderr to a capped file there, address-space / CPU-time / file-size limits, and,
where the kernel allows unprivileged user namespaces, no network and read-only views of
the spec, the fixtures and this package. A worker that hangs is killed at the timeout; a
worker that dies is replaced at the next call; the verdict names what happened.
"""

from __future__ import annotations

import ctypes
import inspect
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from conformance import paths, wire
from conformance.target import TargetImportError, _target_frames_only, load_target

HANDLE_LIMIT = 256  # caches kept per worker; older ones are dropped
OUTPUT_LIMIT = 8 << 20  # bytes of stdout+stderr a worker may write


class WorkerFailure(Exception):
    """The worker hung, died or broke the protocol; the message says which, ``kind`` in a word
    (timeout, died, protocol)."""

    def __init__(self, message: str, kind: str = "protocol"):
        super().__init__(message)
        self.kind = kind


class TargetRaised(Exception):
    """The target's code raised; carries its own traceback text (target frames only)."""

    def __init__(self, type_name: str, message: str, remote_traceback: str):
        super().__init__(message)
        self.type_name = type_name
        self.remote_traceback = remote_traceback


# ------------------------------------------------------------------ worker side

_CLONE_NEWNS, _CLONE_NEWUSER, _CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
_MS_RDONLY, _MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18


def _sandbox(read_only: list[str]) -> str:
    """Cut the network and make ``read_only`` paths read-only, if the kernel lets us."""
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWNET) != 0:
        return f"no namespaces ({os.strerror(ctypes.get_errno())}): network and files not protected"
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
    libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None)
    for path in read_only:
        p = os.fsencode(path)
        if libc.mount(p, p, None, _MS_BIND | _MS_REC, None) != 0 or \
                libc.mount(None, p, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY, None) != 0:
            return f"network cut; could not make {path} read-only ({os.strerror(ctypes.get_errno())})"
    return "network cut; spec, fixtures and harness read-only"


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    # The address-space budget is on top of what the forked interpreter already maps.
    address_space = _vm_bytes() + (memory_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read_exactly(fd: int, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _serve(target: str, requests: int, replies: int, scratch: str, memory_mb: int, cpu_seconds: int) -> None:
    """The worker: sandbox, limits, import the target, then answer calls until told to stop."""
    os.setsid()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a flood of output gets EFBIG, not a kill
    sandbox = _sandbox([str(paths.spec_dir()), str(paths.fixtures_dir()),
                        str(Path(__file__).resolve().parent), str(Path(wire.__file__).resolve().parents[1] / "oracle")])
    os.chdir(scratch)
    # Appended to: a replacement worker adds to what its predecessors printed.
    out = os.open(os.path.join(scratch, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0), os.dup2(out, 1), os.dup2(out, 2)
    _limit(memory_mb, cpu_seconds)
    handles: OrderedDict[int, Any] = OrderedDict()

    def keep(obj: Any) -> int:
        handles[id(obj)] = obj
        while len(handles) > HANDLE_LIMIT:
            handles.popitem(last=False)
        return id(obj)

    def resolve(key: int) -> Any:
        if key not in handles:
            raise wire.WireError("a cache from an earlier worker or evicted long ago was passed back")
        return handles[key]

    def reply(message: Any) -> None:
        wire.send(replies, *wire.encode(message, keep))

    try:
        module = load_target(target)
    except TargetImportError as exc:
        reply({"import_error": str(exc)})
        os._exit(0)
    functions = {}
    for name, fn in vars(module).items():
        if callable(fn) and not name.startswith("_"):
            try:
                params = inspect.signature(fn).parameters.values()
                functions[name] = sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                      for p in params)
            except (TypeError, ValueError):
                functions[name] = -1
    reply({"ready": functions, "sandbox": sandbox})
    file = getattr(module, "__file__", None)
    while True:
        header_len, blob_len = wire.frame_lengths(_read_exactly(requests, wire.FRAME_SIZE))
        request = wire.decode(_read_exactly(requests, header_len), _read_exactly(requests, blob_len), resolve)
        if request["op"] == "exit":
            os._exit(0)
        if request["op"] == "call_perturbed":  # gradient checks: many calls, one round trip
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fn = getattr(module, request["function"])
                    results = [fn(*_perturbed(request["args"], request["at"], point)) for point in request["points"]]
                positions = request.get("keep")
                if positions is not None:  # drop what the caller will not read (caches): less to send
                    results = [tuple(x if i in positions else None for i, x in enumerate(r)) if type(r) is tuple else r
                               for r in results]
                reply({"results": results})
            except BaseException as exc:  # noqa: BLE001
                reply({"raised": [type(exc).__name__, str(exc), _target_frames_only(exc, file)]})
            continue
        args = request["args"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = getattr(module, request["function"])(*args)
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt... are verdicts too
            reply({"raised": [type(exc).__name__, str(exc), _target_frames_only(exc, file)]})
            continue
        caches = request.get("caches") or []
        if caches and type(result) is tuple:  # caches stay here; the grader gets handles
            result = tuple(wire.Keep(x) if i in caches else x for i, x in enumerate(result))
        # Arrays and dicts come back so the grader sees in-place changes; caches passed in do not.
        after = [a if isinstance(a, (np.ndarray, dict)) else None for a in args]
        try:
            reply({"result": result, "args_after": after})
        except BaseException as exc:  # noqa: BLE001 - e.g. a lying __array__ that raises, or MemoryError
            reply({"raised": [type(exc).__name__, f"while sending the result back: {exc}", ""]})


# ------------------------------------------------------------------ grader side

def _perturbed(base: list, at: list[list], value: np.ndarray) -> list:
    """Fresh copies of ``base``'s arrays (a call may modify them in place), with a copy of
    ``value`` at each location in ``at``: ``[i]`` (argument i) or ``[i, key]`` (a dict's key)."""
    def fresh(a: Any) -> Any:
        return a.copy() if isinstance(a, np.ndarray) else a

    args = [{k: fresh(v) for k, v in a.items()} if isinstance(a, dict) else fresh(a) for a in base]
    for location in at:
        if len(location) == 1:
            args[location[0]] = value.copy()
        else:
            args[location[0]][location[1]] = value.copy()
    return args


def _describe_exit(status: int, memory_mb: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        extra = {"SIGXCPU": " (CPU time limit)", "SIGSEGV": " (segmentation fault)",
                 "SIGKILL": f" (perhaps the memory limit of {memory_mb} MB)"}.get(name, "")
        return f"the worker running your code was killed by signal {name}{extra}"
    return f"the worker running your code exited with code {os.WEXITSTATUS(status)} (sys.exit / os._exit?)"


class _RemoteFunction:
    def __init__(self, target: "IsolatedTarget", name: str, required: int):
        self.target, self.__name__ = target, name
        params = [inspect.Parameter(f"arg{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(max(required, 0))]
        self.__signature__ = inspect.Signature(params)

    def __call__(self, *args: Any) -> Any:
        return self.target.call(self.__name__, list(args))


class IsolatedTarget:
    """A target module run in a worker process. Use as the harness's module; close() when done."""

    def __init__(self, path: str, timeout: float = 10.0, memory_mb: int = 1024, cpu_seconds: int = 120):
        self.__file__ = str(Path(path).resolve()) if Path(path).is_file() else path  # a file, or a module name
        self.timeout, self.memory_mb, self.cpu_seconds = timeout, memory_mb, cpu_seconds
        self.pid: int | None = None
        self.sandbox = ""
        self._functions: dict[str, int] = {}
        # function -> positions of its tuple result that are caches (set by the harness from the
        # spec): those stay in the worker and come back as handles.
        self.cache_positions: dict[str, list[int]] = {}
        self._scratch = tempfile.mkdtemp(prefix="rnn-conformance-worker-")
        self._start()

    # -- life cycle
    def _start(self) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        sys.stdout.flush(), sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                os.close(req_w), os.close(rep_r)
                _serve(self.__file__, req_r, rep_w, self._scratch, self.memory_mb, self.cpu_seconds)
            finally:
                os._exit(70)
        os.close(req_r), os.close(rep_w)
        self.pid, self._requests, self._replies = pid, req_w, rep_r
        try:
            hello = self._receive(deadline=time.monotonic() + max(self.timeout, 30.0), what="importing your file")
        except WorkerFailure as exc:
            raise TargetImportError(f"{self.__file__}: {exc}") from None
        if "import_error" in hello:
            self.close()
            raise TargetImportError(hello["import_error"])
        self._functions, self.sandbox = hello["ready"], hello["sandbox"]

    def _kill(self) -> int | None:
        """Kill the worker's whole process group; its exit status, if it had one."""
        if self.pid is None:
            return None
        pid, self.pid = self.pid, None
        status = None
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
            status = status if done else None
        except ChildProcessError:
            pass
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
        if status is None:
            try:
                status = os.waitpid(pid, 0)[1]
            except ChildProcessError:
                pass
        for fd in (self._requests, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
        return status

    def close(self) -> None:
        self._kill()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def output(self, cap: int = 2000) -> str:
        """What the target printed (stdout and stderr), at most ``cap`` characters of it."""
        try:
            with open(os.path.join(self._scratch, "output.txt"), "rb") as f:
                data = f.read(cap + 1)
        except OSError:
            return ""
        text = data[:cap].decode("utf-8", errors="replace")
        return text + ("\n... (more output not kept)" if len(data) > cap else "")

    def describe(self) -> str:
        return (f"worker process, {self.timeout:g} s per call, {self.memory_mb} MB, {self.cpu_seconds} s CPU; "
                f"{self.sandbox}")

    # -- module protocol
    def __getattr__(self, name: str) -> Any:
        functions = self.__dict__.get("_functions", {})
        if name in functions:
            return _RemoteFunction(self, name, functions[name])
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return sorted(self._functions)

    # -- calls
    def _receive(self, deadline: float, what: str, timeout: float | None = None) -> dict:
        fd = self._replies

        def read(n: int) -> bytes:
            chunks, got = [], 0
            while got < n:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    self._kill()
                    raise WorkerFailure(f"{what} did not finish within {timeout or self.timeout:g} s; the worker was killed",
                                        kind="timeout")
                chunk = os.read(fd, min(n - got, 1 << 20))
                if not chunk:
                    raise WorkerFailure(_describe_exit(self._kill() or 0, self.memory_mb), kind="died")
                chunks.append(chunk)
                got += len(chunk)
            return b"".join(chunks)

        header_len, blob_len = wire.frame_lengths(read(wire.FRAME_SIZE))
        if header_len + blob_len > (self.memory_mb << 20) + (64 << 20):
            self._kill()
            raise WorkerFailure(f"{what} sent back {header_len + blob_len} bytes, over the {self.memory_mb} MB limit")
        try:
            return wire.decode(read(header_len), read(blob_len))
        except wire.WireError as exc:
            self._kill()
            raise WorkerFailure(f"{what}: malformed reply from the worker ({exc})") from None

    def call_perturbed(self, function: str, args: list, at: list[list], points: np.ndarray,
                       keep: list[int]) -> list:
        """function(*args) with each of ``points`` (shape (n, ...)) in turn put at the
        locations ``at`` (``[i]`` or ``[i, key]``), all in one request: a gradient check's
        2 x size calls cost one round trip and send the arguments once. The timeout grows
        with n. keep: for tuple results, the positions to send back (others come back as None).
        """
        request = {"op": "call_perturbed", "function": function, "args": args, "at": at, "points": points, "keep": keep}
        return self._request(request, self.timeout * max(1.0, len(points) / 100))["results"]

    def call(self, function: str, args: list) -> Any:
        caches = self.cache_positions.get(function, [])
        reply = self._request({"op": "call", "function": function, "args": args, "caches": caches}, self.timeout)
        _copy_back(args, reply["args_after"])
        return reply["result"]

    def _request(self, request: dict, timeout: float) -> dict:
        if self.pid is None:
            self._start()  # the previous worker died or was killed: a fresh one, a fresh import
        try:
            wire.send(self._requests, *wire.encode(request))
        except OSError:
            raise WorkerFailure(_describe_exit(self._kill() or 0, self.memory_mb)) from None
        reply = self._receive(time.monotonic() + timeout, "the call", timeout)
        if "raised" in reply:
            type_name, message, frames = reply["raised"]
            if type_name == "MemoryError":
                message += f" (memory limit: {self.memory_mb} MB)"
            raise TargetRaised(type_name, message, frames)
        return reply


def _copy_back(local: Any, after: Any) -> None:
    """Mirror the worker's post-call argument arrays into ours, so mutation shows here."""
    if isinstance(local, np.ndarray):
        if isinstance(after, np.ndarray) and after.shape == local.shape:
            np.copyto(local, after, casting="unsafe")
        else:  # replaced by something else entirely: make the difference visible
            local[...] = np.nan if local.dtype.kind == "f" else 0
    elif isinstance(local, dict) and isinstance(after, dict):
        for key, value in local.items():
            if key in after:
                _copy_back(value, after[key])
            elif isinstance(value, np.ndarray):
                _copy_back(value, None)
    elif isinstance(local, (list, tuple)) and isinstance(after, (list, tuple)) and len(local) == len(after):
        for a, b in zip(local, after):
            _copy_back(a, b)
