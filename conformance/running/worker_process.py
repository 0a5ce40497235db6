"""The grader's end of one sandboxed worker: start it, write requests, read replies, kill it.

``WorkerProcess`` keeps one worker running a target at a time: forked by the template
process, which never imported the oracle (template.py, worker.py), and confined as sandbox.py
describes. Requests and replies cross as JSON plus raw array bytes (wire.py), never pickles.

Every reply names what it answers: the request (the worker's count of requests read), the item
within it and the worker's pid. _receive checks all three; a reply for anything else (late, or
from a copy of the worker the submission forked) discards the worker, and the call is asked
again, alone, of a fresh one (AskAgainAlone). Replies can therefore never be judged as another
call's, however the submission's processes interleave.

A worker that hangs is killed at the timeout with every process it started; a worker that dies
is replaced at the next call; the failure names what happened. Its printed output goes to a
capped file that only the grader reads. What the calls mean (functions as attributes, batches,
caches) is isolation.py's IsolatedTarget, built on this.
"""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import struct
import time
from typing import Any

from conformance.contract import wire
from conformance.running import template
from conformance.running.target import TargetImportError
from conformance.running.worker import GRADER_OOM_EXIT, OUT_OF_MEMORY_EXIT

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


class WorkerProcess:
    """One worker at a time for a target: started now, and again after one died or was killed.

    file: the target, as the grader names it. job: what the template needs to fork the worker
    (the target, its scratch folder, limits, the plan of what it may see: see isolation.py).
    shown: (the submission's path in the worker, as the grader knows it), for readable messages.
    """

    def __init__(self, file: str, job: dict, shown: tuple[str, str] | None, timeout: float, memory_mb: int,
                 cpu_seconds: int):
        self.__file__ = file
        self.timeout, self.memory_mb, self.cpu_seconds = timeout, memory_mb, cpu_seconds
        self.pid: int | None = None
        # Every reply names the request it answers (the worker's count of requests read, from 1;
        # the hello is 0), the item within it, and the worker's own pid: _receive checks all three.
        self._asked = 0  # requests written to the current worker
        self._answered_calls = 0  # calls of the submission's code it answered
        self._worker_pid: int | None = None
        self.sandbox = ""
        self.fingerprints: dict[str, str] = {}
        self.load_info: dict[str, Any] = {}  # see target.load_info
        self.imports: list[str] = []  # see target.imported_modules
        self._adapted: dict | None = None  # the adapt request, once use_tensors was called
        self._functions: dict[str, int] = {}
        self._scratch = job["scratch"]
        self._shown = shown
        self._job = job
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
        self._ready(hello["ready"])
        self.fingerprints, self.sandbox = hello["fingerprints"], hello["sandbox"]
        self._worker_pid = hello["pid"]
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
        self._ready(reply["ready"])
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

    def _ready(self, functions: dict[str, int]) -> None:
        """The worker's functions (name -> required positional arguments, -1: unknown), as its
        hello or its adapt reply lists them."""
        self._functions = functions


def _naming(answers: Any, pid: Any) -> str:
    """What a stray reply said it answered, for the verdict (it is the submission's text: kept short)."""
    if isinstance(answers, list) and len(answers) == 2 and all(type(a) is int for a in answers):
        return f"request {answers[0]} item {answers[1]} of process {pid if type(pid) is int else '?'}"
    return "no request"
