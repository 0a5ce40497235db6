"""Run an untrusted target in a worker process: timeouts, resource limits, no pickles.

:class:`IsolatedTarget` looks like a module to the harness: its attributes are the
target's functions, and calling one sends the arguments to a worker, which runs the
target's code and sends back the result and the arguments' state after the call (so
in-place mutation is still seen). Values cross as JSON plus raw array bytes (wire.py);
objects that are not plain data stay in the worker as handles (caches). Several calls of one
function can be asked at once (batch(), batched()): the worker answers each as it ends.

Every reply names what it answers: the request (the worker's count of requests read), the item
within it and the worker's pid. _receive checks all three; a reply for anything else (late, or
from a copy of the worker the submission forked) discards the worker, and the call is asked
again, alone, of a fresh one (AskAgainAlone). Replies can therefore never be judged as another
call's, however the submission's processes interleave.

Workers are forked by a template process that never imported the oracle (template.py,
worker.py) and are confined as sandbox.py describes. A worker that hangs is killed at the
timeout with every process it started; a worker that dies is replaced at the next call; the
verdict names what happened. Its printed output goes to a capped file that only the grader reads.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import inspect
import os
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from conformance.contract import paths, validated, wire
from conformance.running import template
from conformance.running.target import TargetImportError
from conformance.running.worker import GRADER_OOM_EXIT, OUT_OF_MEMORY_EXIT, WARNINGS_KEPT

OUTPUT_LIMIT = 8 << 20  # bytes of stdout+stderr a worker may write
PIPE_BYTES = 1 << 20  # the request and reply pipes' buffers


class WorkerFailure(Exception):
    """The worker hung, died or broke the protocol; the message says which, ``kind`` in a word
    (timeout, died, protocol, grader-oom: out of memory in our code, grader: our own failure)."""

    def __init__(self, message: str, kind: str = "protocol", function: str | None = None):
        super().__init__(message)
        self.kind, self.function = kind, function


class AskAgainAlone(WorkerFailure):
    """Nothing the worker sent answers the call: the worker is discarded, and the call is asked
    again, alone, of a fresh worker (once; then this is its verdict)."""


class RepliesCrossed(AskAgainAlone):
    """A reply that does not name the request and item it was read for, or came from another
    process than the worker (a copy of it the submission forked, bytes it wrote to our pipe)."""

    def __init__(self, message: str, function: str | None = None):
        super().__init__(message, kind="crossed", function=function)


class TargetRaised(Exception):
    """The target's code raised; carries its own traceback text (target frames only)."""

    def __init__(self, type_name: str, message: str, remote_traceback: str):
        super().__init__(message)
        self.type_name = type_name
        self.remote_traceback = remote_traceback


# ------------------------------------------------------------------ the template

def reference_paths() -> list[str]:
    """What a worker must never see: this package, the oracle, the spec, the fixtures, and our
    cache folder (its packs hold every fixture's expected outputs)."""
    import oracle

    cache = validated.folder()
    return [str(Path(__file__).resolve().parents[1]), str(Path(oracle.__file__).resolve().parent),
            str(paths.spec_dir().resolve()), str(paths.fixtures_dir().resolve()),
            *([str(cache.resolve())] if cache else [])]


def essential_paths() -> list[str]:
    """What a worker must see: the interpreter, its standard library, NumPy."""
    return sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.__file__),
                   str(Path(np.__file__).resolve().parents[1]), os.path.realpath(sys.executable)})


_GRADER_OOM = ("not graded: the worker ran out of memory in the grader's own code, not yours "
               "(the limit is {mb} MB): raise --memory-mb")


def _describe_exit(status: int | None, memory_mb: int) -> str:
    if status is None:
        return "the worker running your code died (its exit status was not reported)"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        extra = {"SIGXCPU": " (CPU time limit)", "SIGSEGV": " (segmentation fault)",
                 "SIGKILL": f" (perhaps the memory limit of {memory_mb} MB)"}.get(name, "")
        return f"the worker running your code was killed by signal {name}{extra}"
    if os.WEXITSTATUS(status) == OUT_OF_MEMORY_EXIT:
        return (f"the worker running your code ran out of memory (the limit is {memory_mb} MB): what your code "
                f"holds left none to answer with")
    return f"the worker running your code exited with code {os.WEXITSTATUS(status)} (sys.exit / os._exit?)"


class _RemoteFunction:
    def __init__(self, target: "IsolatedTarget", name: str, required: int):
        self.target, self.__name__ = target, name
        params = [inspect.Parameter(f"arg{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(max(required, 0))]
        self.__signature__ = inspect.Signature(params)

    def __call__(self, *args: Any) -> Any:
        return self.target.call(self.__name__, list(args))


class IsolatedTarget:
    """A target module run in a worker process. Use as the harness's module; close() when done.

    target: a .py file or a module name. submission: the file or folder the worker may see
    (shown read-only at /tmp/submission/<name>; default: the target file's own folder).
    hide: more paths the worker must not see (the output folder, other submissions).
    """

    batches = True  # a function's items are asked in one request (see batch())
    caches_are_handles = True  # a cache stays in the worker (see caches_by_value())

    def __init__(self, target: str, timeout: float = 10.0, memory_mb: int = 1024, cpu_seconds: int = 120,
                 submission: str | None = None, hide: list[str] | None = None):
        is_file = Path(target).is_file()
        self.__file__ = str(Path(target).resolve()) if is_file else target
        self.timeout, self.memory_mb, self.cpu_seconds = timeout, memory_mb, cpu_seconds
        self.pid: int | None = None
        # Every reply names the request it answers (the worker's count of requests read, from 1;
        # the hello is 0), the item within it, and the worker's own pid: _receive checks all three.
        self._asked = 0  # requests written to the current worker
        self._answered_calls = 0  # calls of the submission's code it answered
        self._worker_pid: int | None = None
        self.sandbox = ""
        self.fingerprints: dict[str, str] = {}
        self.last_warnings: list[str] = []
        self.last_args_changed = True  # whether the last call changed an argument in place (the worker says)
        self.load_info: dict[str, Any] = {}  # see target.load_info
        self.imports: list[str] = []  # see target.imported_modules
        self._adapted: dict | None = None  # the adapt request, once use_tensors was called
        self._functions: dict[str, int] = {}
        # function -> positions of its tuple result that are caches (set by the harness from the
        # spec): those stay in the worker and come back as handles.
        self.cache_positions: dict[str, list[int]] = {}
        self._caches_by_value = False  # see caches_by_value()
        # A batch in flight (see batch()): calls (key, function, make its arguments, caches by value)
        # whose replies are still to be read, in order; the replies read ahead of being asked for (a
        # reply, or the WorkerFailure); and the calls lost with a worker that died before answering them.
        self._pending: collections.deque[tuple[str, str, Callable[[], list], bool, tuple[int, int]]] = collections.deque()
        self._answered: dict[str, tuple[Callable[[], list], dict | WorkerFailure]] = {}
        self._lost: dict[str, tuple] = {}
        self._scratch = tempfile.mkdtemp(prefix="rnn-conformance-worker-")
        shown = str(Path(submission).resolve()) if submission else (str(Path(self.__file__).parent) if is_file else None)
        inside = None
        if shown:
            inside = "" if Path(shown).is_file() else os.path.relpath(self.__file__, shown)
        # What the worker sees of the submission, and how its paths read in a verdict.
        self._shown = (f"/tmp/submission/{os.path.basename(shown)}", shown) if shown else None
        self._job = {"target": self.__file__, "target_in_submission": inside, "scratch": self._scratch,
                     "memory_mb": memory_mb, "cpu_seconds": cpu_seconds, "output_limit": OUTPUT_LIMIT,
                     "sys_path": [] if is_file else [p for p in sys.path if p],
                     "namespaces": True,
                     "plan": {"submission": shown, "keep_visible": essential_paths(),
                              "hide": reference_paths() + [str(Path(h).resolve()) for h in hide or []]}}
        self._start()

    # -- life cycle
    def _start(self) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        for fd in (req_w, rep_w):  # a request or reply of a few arrays fits: no write waits for a read
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            except OSError:  # above /proc/sys/fs/pipe-max-size: the default (64 KiB) works, just slower
                pass
        status_r, status_w = os.pipe()
        out = os.open(os.path.join(self._scratch, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.pid = template.get().spawn(self._job, [req_r, rep_w, status_w, out])
        except template.TemplateError as exc:
            raise WorkerFailure(str(exc), kind="grader") from None
        finally:
            for fd in (req_r, rep_w, status_w, out):
                os.close(fd)
        os.set_blocking(req_w, False)  # _write waits with a deadline: a worker that stops reading is not waited for
        self._requests, self._replies, self._status = req_w, rep_r, status_r
        self._asked, self._worker_pid, self._answered_calls = 0, None, 0
        try:
            hello = self._receive(deadline=time.monotonic() + max(self.timeout, 30.0), what="importing your file",
                                  answers=(0, 0))
        except WorkerFailure as exc:
            raise TargetImportError(f"{self.__file__}: {exc}") from None
        if "sandbox_error" in hello and self._job["namespaces"]:  # namespaces exist, mounts failed: fall back
            self._kill()
            self._job["namespaces"], self._job["why_no_sandbox"] = False, hello["sandbox_error"]
            return self._start()
        if "import_error" in hello:
            self.close()
            raise TargetImportError(self._readable(hello["import_error"]))
        self._functions, self.fingerprints, self.sandbox = hello["ready"], hello["fingerprints"], hello["sandbox"]
        self._worker_pid = hello["pid"]
        self.__dict__.pop("_remote", None)
        self.load_info = self._readable_all(hello.get("load_info", {}))
        self.imports = [str(name) for name in list(hello.get("imports", []))[:100]]
        if self._adapted is not None:  # a fresh worker after a crash: adapted as its predecessor was
            self._adapt()

    def use_tensors(self, framework: str, plan: dict) -> None:
        """From now on (and in every worker started later) the target is called with ``framework``'s
        tensors, and the backwards ``plan`` names are computed by autograd (conformance.running.tensors)."""
        self._adapted = {"op": "adapt", "function": "", "framework": framework, "plan": plan}
        self._adapt()

    def _adapt(self) -> None:
        framework = self._adapted["framework"]
        try:
            self._send(self._adapted)
            reply = self._receive(time.monotonic() + max(self.timeout, 30.0), f"calling it with {framework} tensors",
                                  answers=(self._asked, 0))
        except WorkerFailure as exc:  # hung, died or lied while adapting: the submission's doing
            self.close()
            raise TargetImportError(f"{self.__file__}: {exc}") from None
        if "raised" in reply:
            self.close()
            raise TargetImportError(f"{self.__file__}: calling it with {framework} tensors failed: "
                                    f"{self._readable(' '.join(map(str, reply['raised'][:2])))}")
        self._functions = reply["ready"]
        self.__dict__.pop("_remote", None)
        self.load_info = self._readable_all(reply.get("load_info", {}))

    def _readable(self, text: str) -> str:
        """Worker paths (/tmp/submission/...) as the grader knows them."""
        return text.replace(*self._shown) if self._shown else text

    def _readable_all(self, data: Any) -> Any:
        """_readable on every string of a JSON-like value."""
        if isinstance(data, str):
            return self._readable(data)
        if isinstance(data, dict):
            return {self._readable_all(k): self._readable_all(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self._readable_all(v) for v in data]
        return data

    def _exit_status(self) -> int | None:
        """The worker's wait status, as its reaper reported it (it may take a moment)."""
        if select.select([self._status], [], [], 2.0)[0]:
            data = os.read(self._status, 4)
            if len(data) == 4:
                return struct.unpack("<i", data)[0]
        return None

    def _kill(self, status_too: bool = False) -> int | None:
        """Kill the worker's whole process group (and with it its PID namespace)."""
        self._lost = {call[0]: call for call in self._pending}
        self._pending.clear()
        if self.pid is None:
            return None
        pid, self.pid = self.pid, None
        status = self._exit_status() if status_too else None
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        for fd in (self._requests, self._replies, self._status):
            try:
                os.close(fd)
            except OSError:
                pass
        return status

    def close(self) -> None:
        if self.pid is not None:
            try:
                wire.send(self._requests, *wire.encode({"op": "exit"}))
            except OSError:
                pass
        self._kill()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def output(self, cap: int = 2000) -> str:
        """What the target printed (stdout and stderr), at most ``cap`` characters of it."""
        try:
            fd = os.open(os.path.join(self._scratch, "output.txt"), os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as f:
                data = f.read(cap + 1)
        except OSError:
            return ""
        text = self._readable(data[:cap].decode("utf-8", errors="replace"))
        return text + ("\n... (more output not kept)" if len(data) > cap else "")

    def describe(self) -> str:
        return (f"worker process, {self.timeout:g} s per call, {self.memory_mb} MB, {self.cpu_seconds} s CPU; "
                f"{self.sandbox}")

    # -- module protocol
    def __getattr__(self, name: str) -> Any:
        functions = self.__dict__.get("_functions", {})
        if name in functions:  # made once per name: the harness asks for a function at every item
            remote = self.__dict__.setdefault("_remote", {})
            if name not in remote:
                remote[name] = _RemoteFunction(self, name, functions[name])
            return remote[name]
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return sorted(self._functions)

    # -- calls
    def _receive(self, deadline: float, what: str, timeout: float | None = None,
                 answers: tuple[int, int] = (0, 0)) -> dict:
        """The next reply, which must answer item ``answers[1]`` of request ``answers[0]`` and come
        from the worker itself; anything else (a late reply to an earlier request, a process the
        submission forked, bytes it wrote to our pipe) kills the worker: RepliesCrossed."""
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
                    status = self._kill(status_too=True)
                    if status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == GRADER_OOM_EXIT:
                        raise self._out_of_memory(what)
                    raise WorkerFailure(_describe_exit(status, self.memory_mb), kind="died")
                chunks.append(chunk)
                got += len(chunk)
            return b"".join(chunks)

        header_len, blob_len = wire.frame_lengths(read(wire.FRAME_SIZE))
        if header_len + blob_len > (self.memory_mb << 20) + (64 << 20):
            self._kill()
            raise WorkerFailure(f"{what}: the reply announced {header_len + blob_len} bytes, over the {self.memory_mb} MB "
                                f"limit (a result that large, or bytes your code wrote onto the grader's pipe)")
        try:
            reply = wire.decode(read(header_len), read(blob_len))
        except wire.WireError as exc:
            self._kill()
            raise WorkerFailure(f"{what}: malformed reply from the worker ({exc})") from None
        if not isinstance(reply, dict):
            self._kill()
            raise WorkerFailure(f"{what}: malformed reply from the worker (not a message)")
        named = (reply.get("answers"), reply.get("pid"))
        if named[0] != list(answers) or (self._worker_pid is not None and named[1] != self._worker_pid):
            self._kill()
            raise RepliesCrossed(f"{what}: the worker's reply named {_naming(*named)}, not request {answers[0]} "
                                 f"item {answers[1]} of process {self._worker_pid}; the worker was discarded")
        if "grader_oom" in reply:
            self._kill()
            raise self._out_of_memory(what)
        if answers[0]:
            self._answered_calls += 1
        return reply

    def _out_of_memory(self, what: str) -> WorkerFailure:
        """The worker ran out of memory in our code (reading a call's arguments): the grader's
        problem in a fresh worker (raise --memory-mb), the submission's once its calls have run
        there (what it keeps holds the memory): then the call is asked again of a fresh worker."""
        if self._answered_calls:
            return AskAgainAlone(f"{what}: the worker had no memory left (the limit is {self.memory_mb} MB) to read "
                                 f"the call's arguments, held by what your code keeps from earlier calls", kind="memory")
        return WorkerFailure(_GRADER_OOM.format(mb=self.memory_mb), kind="grader-oom")

    @contextlib.contextmanager
    def caches_by_value(self) -> Iterator[None]:
        """Within the block, every call (``target.f(...)`` too) sends its caches back as data."""
        before, self._caches_by_value = self._caches_by_value, True
        try:
            yield
        finally:
            self._caches_by_value = before

    def call_perturbed(self, function: str, args: list, at: list[list], points: np.ndarray,
                       keep: list[int]) -> list:
        """function(*args) with each of ``points`` (shape (n, ...)) in turn put at the
        locations ``at`` (``[i]`` or ``[i, key]``), all in one request: a gradient check's
        2 x size calls cost one round trip and send the arguments once. The timeout grows
        with n. keep: for tuple results, the positions to send back (others come back as None).
        """
        request = {"op": "call_perturbed", "function": function, "args": args, "at": at, "points": points, "keep": keep}
        return self._request(request, self.timeout * max(1.0, len(points) / 100))["results"]

    def call_many(self, function: str, calls: list[list], keep: list[int]) -> list:
        """function(*args) for each argument list of ``calls``, in one request (a directional
        gradient check's few calls); the timeout grows with their number. keep: as for call_perturbed."""
        request = {"op": "call_many", "function": function, "calls": calls, "keep": keep}
        return self._request(request, self.timeout * max(1.0, len(calls) / 100))["results"]

    def call(self, function: str, args: list, caches_by_value: bool | None = None) -> Any:
        """function(*args) in the worker; its caches stay there as handles unless caches_by_value
        (None: as set by ``with caches_by_value()``): then they come back as data, as they were
        when the call returned (an array overwritten after it was cached shows overwritten)."""
        reply = self._request({"op": "call", "function": function, "args": args,
                               "caches": self._cache_positions(function, caches_by_value)}, self.timeout)
        return self._result(args, reply)

    def _cache_positions(self, function: str, caches_by_value: bool | None) -> list[int]:
        by_value = self._caches_by_value if caches_by_value is None else caches_by_value
        return [] if by_value else self.cache_positions.get(function, [])

    def _result(self, args: list, reply: dict) -> Any:
        """A call's result; what it changed in place is copied into ``args``, as a local call would."""
        self.last_args_changed = any(after is not None for after in reply["args_after"])
        for local, after in zip(args, reply["args_after"]):
            if after is not None:  # None: the call left it as it was
                _copy_back(local, after)
        return reply["result"]

    def batch_request(self, function: str, calls: list[list], caches_by_value: bool = False) -> tuple[bytes, bytes]:
        """The request of batch(): ``function(*args)`` for each ``args`` of ``calls``, encoded (the
        same for every target of a suite: keep it to send it again)."""
        caches = self._cache_positions(function, caches_by_value)
        return wire.encode({"op": "call_batch", "function": function,
                            "calls": [{"args": args, "caches": caches} for args in calls]})

    def batch(self, function: str, calls: list[tuple[str, Callable[[], list]]], request: tuple[bytes, bytes],
              caches_by_value: bool = False) -> None:
        """Send ``request`` (batch_request's, with the same caches_by_value) for the calls ``calls``
        ([(key, make its arguments)],
        the items of one function in the order they will be asked for); each result is then taken
        with batched(key). The worker answers each call as it ends, so the grader judges one result
        while the next is computed, and no call waits for a round trip of its own."""
        self._drain()
        self._lost.clear()
        if self.pid is None:
            self._start()
        self._write(request, function)
        self._pending.extend((key, function, make_args, caches_by_value, (self._asked, item))
                             for item, (key, make_args) in enumerate(calls))

    def batched(self, key: str) -> tuple[list | None, Any]:
        """(the arguments, the result) of a call started by batch(): as call() returns it, raising
        as call() does; the calls before it in the batch are read first (one of them may kill the
        worker: this call is then made alone). The arguments are None when the call did not change
        them (they are made only to show a change). KeyError: not batched, or already taken."""
        while key not in self._answered and any(call[0] == key for call in self._pending):
            self._read_next()
        if key in self._lost:  # its worker died or crossed its replies first: asked alone, of a fresh worker
            _, function, make_args, by_value, _ = self._lost.pop(key)
            args = make_args()
            return args, self.call(function, args, caches_by_value=by_value)
        make_args, reply = self._answered.pop(key)
        self.last_warnings = []
        if isinstance(reply, WorkerFailure):
            raise reply
        reply = self._checked(reply)
        if not any(after is not None for after in reply["args_after"]):
            self.last_args_changed = False
            return None, reply["result"]
        args = make_args()
        return args, self._result(args, reply)

    def has_batched(self, key: str) -> bool:
        """Whether batched(key) has a result (or a failure) to give."""
        return key in self._answered or any(call[0] == key for call in self._pending)

    def _read_next(self) -> None:
        """Read the reply to the oldest pending batched call; a timeout or death is its answer (the
        calls after it are dropped with the worker)."""
        call = self._pending.popleft()
        key, function, make_args, _, answers = call
        try:
            reply: dict | WorkerFailure = self._receive(time.monotonic() + self.timeout, "the call", answers=answers)
        except AskAgainAlone:  # nothing read from that worker is this call's answer: it is asked again, alone
            self._lost[key] = call
            return
        except WorkerFailure as exc:
            exc.function = function
            reply = exc
        self._answered[key] = (make_args, reply)

    def _drain(self) -> None:
        """Read every pending batched reply (kept for batched()): the pipe is free for a request."""
        while self._pending:
            self._read_next()

    def _send(self, request: dict) -> None:
        self._write(wire.encode(request), request["function"])

    def _write(self, message: tuple[bytes, bytes], function: str) -> None:
        """Send one encoded message. A request larger than the pipe waits for the worker to read
        it: a worker that stops reading (stopped, or stuck before it reads) is killed at the timeout."""
        view = memoryview(wire.framed(*message))
        deadline = time.monotonic() + self.timeout
        self._asked += 1  # the worker counts it once it has read it whole
        while view:
            try:
                view = view[os.write(self._requests, view):]
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self._requests], [], left)[1]:
                    self._kill()
                    raise WorkerFailure(f"the worker did not take the call's arguments within {self.timeout:g} s; "
                                        f"it was killed", kind="timeout", function=function) from None
            except OSError:
                raise WorkerFailure(_describe_exit(self._kill(status_too=True), self.memory_mb), kind="died",
                                    function=function) from None

    def _request(self, request: dict, timeout: float) -> dict:
        self.last_warnings = []
        self._drain()
        fresh = self.pid is None
        try:
            return self._ask(request, timeout)
        except AskAgainAlone:
            # E.g. a reply meant for an earlier call: the call is asked again, alone, of a fresh
            # worker; not when the worker was fresh already (no earlier call to blame), nor when the
            # call holds caches of the discarded worker (they died with it).
            if fresh or _holds_handle(request):
                raise
        return self._ask(request, timeout)

    def _ask(self, request: dict, timeout: float) -> dict:
        if self.pid is None:
            self._start()  # the previous worker died or was killed: a fresh one, a fresh import
        try:
            self._send(request)
            return self._checked(self._receive(time.monotonic() + timeout, "the call", timeout,
                                               answers=(self._asked, 0)))
        except WorkerFailure as exc:
            exc.function = request["function"]
            raise

    def _checked(self, reply: dict) -> dict:
        """The reply of a call that returned; TargetRaised for one that raised. Sets last_warnings."""
        if "raised" in reply:
            type_name, message, frames = reply["raised"]
            if type_name == "MemoryError":
                message += f" (memory limit: {self.memory_mb} MB)"
            raise TargetRaised(type_name, self._readable(message), self._readable(frames))
        self.last_warnings = [str(w) for w in reply.get("warnings", [])][:WARNINGS_KEPT]
        return reply


def _naming(answers: Any, pid: Any) -> str:
    """What a stray reply said it answered, for the verdict (it is the submission's text: kept short)."""
    if isinstance(answers, list) and len(answers) == 2 and all(type(a) is int for a in answers):
        return f"request {answers[0]} item {answers[1]} of process {pid if type(pid) is int else '?'}"
    return "no request"


def _holds_handle(value: Any) -> bool:
    """Whether ``value`` (a request's arguments) holds a cache kept in a worker."""
    if isinstance(value, (dict, list, tuple)):
        return any(map(_holds_handle, value.values() if isinstance(value, dict) else value))
    return isinstance(value, wire.Handle)


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
