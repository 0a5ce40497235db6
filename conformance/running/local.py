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
here calls the module directly (``--in-process``, a student's own check). :func:`as_target`
gives either as it is and wraps a plain module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np


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
