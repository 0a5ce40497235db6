"""A target run in a sandboxed worker process, behind the protocol every target speaks (local.py).

``IsolatedTarget`` looks like a module to the harness: its attributes are the
target's functions, and calling one sends the arguments to a worker, which runs the
target's code and sends back the result and the arguments' state after the call (so
in-place mutation is still seen). Values cross as JSON plus raw array bytes (wire.py);
objects that are not plain data stay in the worker as handles (caches). Several calls of one
function can be asked at once (batch(), batched()): the worker answers each as it ends.

What the worker may see is decided here (the plan: the submission, never the reference); the
worker itself is started, spoken to, checked and killed by worker_process.py's WorkerProcess,
which this class extends: a reply that answers another call, or a worker that hangs or dies,
costs only the call (asked again, alone, of a fresh worker, or its verdict).
"""

from __future__ import annotations

import collections
import contextlib
import inspect
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from conformance.contract import paths, validated, wire
from conformance.running.local import WARNINGS_KEPT
from conformance.running.worker_process import AskAgainAlone, RepliesCrossed, WorkerFailure, WorkerProcess

__all__ = ["IsolatedTarget", "TargetRaised", "WorkerFailure", "AskAgainAlone", "RepliesCrossed", "essential_paths",
           "reference_paths"]

OUTPUT_LIMIT = 8 << 20  # bytes of stdout+stderr a worker may write


class TargetRaised(Exception):
    """The target's code raised; carries its own traceback text (target frames only)."""

    def __init__(self, type_name: str, message: str, remote_traceback: str):
        super().__init__(message)
        self.type_name = type_name
        self.remote_traceback = remote_traceback



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



class _RemoteFunction:
    def __init__(self, target: "IsolatedTarget", name: str, required: int):
        self.target, self.__name__ = target, name
        params = [inspect.Parameter(f"arg{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(max(required, 0))]
        self.__signature__ = inspect.Signature(params)

    def __call__(self, *args: Any) -> Any:
        return self.target.call(self.__name__, list(args))


class IsolatedTarget(WorkerProcess):
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
        file = str(Path(target).resolve()) if is_file else target
        self.last_warnings: list[str] = []
        self.last_args_changed = True  # whether the last call changed an argument in place (the worker says)
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
        scratch = tempfile.mkdtemp(prefix="rnn-conformance-worker-")
        shown = str(Path(submission).resolve()) if submission else (str(Path(file).parent) if is_file else None)
        inside = None
        if shown:
            inside = "" if Path(shown).is_file() else os.path.relpath(file, shown)
        # What the worker sees of the submission, and how its paths read in a verdict.
        seen_as = (f"/tmp/submission/{os.path.basename(shown)}", shown) if shown else None
        job = {"target": file, "target_in_submission": inside, "scratch": scratch,
               "memory_mb": memory_mb, "cpu_seconds": cpu_seconds, "output_limit": OUTPUT_LIMIT,
               "sys_path": [] if is_file else [p for p in sys.path if p],
               "namespaces": True,
               "plan": {"submission": shown, "keep_visible": essential_paths(),
                        "hide": reference_paths() + [str(Path(h).resolve()) for h in hide or []]}}
        super().__init__(file, job, seen_as, timeout, memory_mb, cpu_seconds)

    def _kill(self, status_too: bool = False) -> int | None:
        """The batched calls in flight are lost with the worker: each is asked again, alone (batched())."""
        self._lost = {call[0]: call for call in self._pending}
        self._pending.clear()
        return super()._kill(status_too)

    def _ready(self, functions: dict[str, int]) -> None:
        super()._ready(functions)
        self.__dict__.pop("_remote", None)  # the stand-ins made for the previous functions (__getattr__)

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
