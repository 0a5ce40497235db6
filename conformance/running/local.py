"""A target judged in this process, behind the protocol an isolated target speaks.

The judge (conformance.judging) holds every target through one small protocol and never asks
which kind it holds:

- its functions are its attributes (``target.rnn_forward(...)``), and ``__file__`` is its file;
- ``call_perturbed`` and ``call_many``: many calls of one function at once (gradient checks);
- ``batches`` and ``batch``/``batched``/``has_batched``: a function's items asked in one request
  (only a target that runs elsewhere gains from it: here ``batches`` is False);
- ``caches_are_handles`` and ``caches_by_value()``: whether a cache stays where the target runs
  (a handle) and a block within which it comes back as data;
- ``use_tensors``: from now on called with a framework's tensors (conformance.running.tensors);
- ``cache_positions``, ``last_warnings``, ``last_args_changed`` (what the last call did, when the
  target says so), ``close()``.

conformance.running.isolation.IsolatedTarget runs the target in a sandboxed worker; LocalTarget
here calls the module directly (``--in-process``, a student's own check). ``as_target``
gives either as it is and wraps a plain module.

The worker, too, calls the target in its own process: ``answer_call`` and ``answer_calls``
are how it does (worker.py), the outcome told as data for the wire: the result, the arguments the
call changed in place, its warnings, or what it raised.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from conformance.contract import wire
from conformance.running.target import _target_frames_only

WARNINGS_KEPT = 5  # distinct warnings reported per call


def perturbed(base: list, at: list[list], value: np.ndarray) -> list:
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


class LocalTarget:
    """A target module called in this process. Its functions' exceptions and warnings reach the
    caller as they are; the module's own attributes read through."""

    batches = False  # one item at a time: no round trip to save
    caches_are_handles = False  # a cache is the target's own object, here

    def __init__(self, module: Any):
        self.module = module
        self.__file__ = getattr(module, "__file__", None)
        self.cache_positions: dict[str, list[int]] = {}  # only a worker keeps caches apart
        self.last_warnings: list[str] = []  # a call's warnings reach the caller's own filters

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["module"], name)

    def __dir__(self) -> list[str]:
        return dir(self.module)

    def use_tensors(self, framework: str, plan: dict) -> None:
        from conformance.running import tensors

        self.module = tensors.adapt(self.module, framework, plan)

    def call_perturbed(self, function: str, args: list, at: list[list], points: np.ndarray,
                       keep: list[int]) -> list:
        """function(*args) with each of ``points`` put at the locations ``at`` in turn (see
        IsolatedTarget.call_perturbed; ``keep`` matters only where results cross a pipe)."""
        fn = getattr(self.module, function)
        return [fn(*perturbed(args, at, point)) for point in points]

    def call_many(self, function: str, calls: list[list], keep: list[int]) -> list:
        """function(*args) for each argument list of ``calls``."""
        fn = getattr(self.module, function)
        return [fn(*args) for args in calls]

    @contextlib.contextmanager
    def caches_by_value(self) -> Iterator[None]:
        yield  # caches are values here already

    def has_batched(self, key: str) -> bool:
        return False

    def close(self) -> None:
        """Nothing to stop: the module stays imported, as the caller imported it."""


def as_target(module: Any) -> Any:
    """``module`` if it already speaks the target protocol (an IsolatedTarget, a LocalTarget),
    else a LocalTarget around it."""
    return module if hasattr(type(module), "call_many") else LocalTarget(module)


# ------------------------------------------------------------------ a call in the worker

def _snapshot(arg: Any) -> Any:
    """A copy of an argument's arrays (an array, or a dict's), to tell afterwards what a call changed."""
    if isinstance(arg, np.ndarray):
        return arg.copy()
    if isinstance(arg, dict):
        return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in arg.items()}
    return None


def _changed(arg: Any, before: Any) -> bool:
    """Whether the call changed the array or dict ``arg`` in place (bit for bit: NaNs too)."""
    if isinstance(arg, np.ndarray):
        return not (isinstance(before, np.ndarray) and arg.dtype == before.dtype and arg.shape == before.shape
                    and arg.tobytes() == before.tobytes())
    if isinstance(arg, dict):
        return (not isinstance(before, dict) or arg.keys() != before.keys()
                or any(_changed(v, before[k]) if isinstance(before[k], np.ndarray) else v is not before[k]
                       for k, v in arg.items()))
    return False


def _warning_texts(caught: list) -> list[str]:
    seen: list[str] = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in seen:
            seen.append(text)
    return seen[:WARNINGS_KEPT]


def _raised(exc: BaseException, file: str | None) -> dict:
    """The reply for a call that raised ``exc``: its type, message and the target's frames. A
    MemoryError leaves little to format with: its frames are dropped rather than the reply."""
    try:
        return {"raised": [type(exc).__name__, str(exc), _target_frames_only(exc, file)]}
    except MemoryError:
        return {"raised": [type(exc).__name__, "(out of memory: no message or traceback could be formatted)", ""]}


def answer_call(fn: Any, args: list, caches: list[int], file: str | None) -> dict:
    """The reply to one call of ``fn``: its result (the positions in ``caches`` of a tuple result
    kept here as handles), the arguments it changed in place, its warnings; or what it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # recorded for the verdict, never raised
        try:
            if isinstance(fn, BaseException):
                raise fn
            before = [_snapshot(a) for a in args]
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt... are verdicts too
            return _raised(exc, file)
    if caches and type(result) is tuple:  # caches stay here; the grader gets handles
        result = tuple(wire.Keep(x) if i in caches else x for i, x in enumerate(result))
    # Arrays and dicts the call changed in place come back, so the grader sees it; None: unchanged.
    after = [a if _changed(a, b) else None for a, b in zip(args, before)]
    return {"result": result, "args_after": after, "warnings": _warning_texts(caught)}


def answer_calls(fn: Any, request: dict, file: str | None) -> dict:
    """The reply to ``call_perturbed`` or ``call_many``: every call's result, or the first raise."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if isinstance(fn, BaseException):
                raise fn
            if request["op"] == "call_perturbed":  # gradient checks: many calls, one round trip
                result = [fn(*perturbed(request["args"], request["at"], point)) for point in request["points"]]
            else:
                result = [fn(*args) for args in request["calls"]]
        except BaseException as exc:  # noqa: BLE001
            return _raised(exc, file)
    positions = request.get("keep")
    if positions is not None:  # drop what the caller will not read (caches): less to send
        result = [tuple(x if i in positions else None for i, x in enumerate(r)) if type(r) is tuple else r
                  for r in result]
    return {"results": result, "warnings": _warning_texts(caught)}
