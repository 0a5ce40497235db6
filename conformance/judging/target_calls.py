"""Calling the target for the judge: every call of a target's function during one item goes
through ``TargetCalls``.

Owns: finding a function (missing -> the item's verdict), its arguments (fresh copies of the
inputs, alias keys, a backward's cache: the suite's or the target's own forward's), the call
itself (what it raised, warned, or how its worker ended, turned into a verdict by ``Abort``),
many calls at once (gradient checks, a function's planned items in one request), the differential
probe, and reading a result into outputs by name. It judges nothing: judgement.py does.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from conformance.contract import calling, fixtures
from conformance.contract.cases import CaseRef, loaded_item
from conformance.contract.spec import Spec, alias_table
from conformance.judging import caches
from conformance.judging.verdict import ERROR, FAIL, MISSING, Finding, Verdict
from conformance.running.isolation import TargetRaised, WorkerFailure
from conformance.running.target import TargetImportError, _target_frames_only, load_info, target_file

MAX_WARNINGS = 5  # per item: a target that warns on every call says so once


class GraderOutOfMemory(Exception):
    """The worker ran out of memory in the grader's own code: not the target's fault, so not
    a verdict; the caller reports the submission as not graded."""


class Abort(Exception):
    """Stop judging this item with a verdict."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.note)
        self.verdict = verdict


def cast(inputs: dict[str, np.ndarray], dtype: str) -> dict[str, np.ndarray]:
    """The inputs in the judged dtype (float arrays only; indices and masks stay as they are)."""
    if dtype == "float64":
        return inputs
    return {k: v.astype(dtype) if v.dtype.kind == "f" else v for k, v in inputs.items()}


def alias_fields(spec: Spec) -> Mapping[str, list[str]]:
    """Dict field -> its aliases (a backward shares its forward's), e.g. Waa -> [W]."""
    return alias_table(spec, "fields") or alias_table(spec.forward_spec() or spec, "fields")


def named_outputs(spec: Spec, result: Any, for_cache: bool = False) -> dict[str, Any] | str:
    """The target's result as {output name: value}, or a message saying what is wrong.
    for_cache: the result of the call that built a backward's cache."""
    kind, items = spec.returns["kind"], spec.outputs_with_cache if for_cache else spec.outputs
    names = [i["name"] for i in items]
    if kind == "tuple":
        if not isinstance(result, (tuple, list)):
            return f"expected a tuple of {len(items)} ({', '.join(names)}), got {type(result).__name__}"
        if len(result) != len(items):
            return f"expected a tuple of {len(items)} ({', '.join(names)}), got {len(result)} values"
        return dict(zip(names, result))
    if kind == "dict":
        if not isinstance(result, dict):
            return f"expected a dict with keys {names}, got {type(result).__name__}"
        aliases = alias_table(spec, "returns")
        named, missing = {}, []
        for name in names:
            key = next((k for k in [name, *aliases.get(name, [])] if k in result), None)
            if key is None:
                missing.append(name)
            else:
                named[name] = result[key]
        if missing:
            return f"the returned dict lacks key(s) {missing}; it has {sorted(map(str, result))}"
        return named
    if isinstance(result, (tuple, list)) and len(result) == 1:
        return f"expected a single {kind}, got a {type(result).__name__} of one item"
    return {names[0]: result}


class TargetCalls:
    """One target's calls, item after item. ``target`` speaks the protocol of
    conformance.running.local (in-process or isolated alike); ``oracle`` builds the suite's caches.

    Per item (reset by ``start_item``): ``warnings``, what the target's calls warned (at most
    five); ``own_forward``, the outputs of the target's forward whose cache a backward was fed.
    """

    def __init__(self, target: Any, oracle: Any):
        self.target = target
        self.oracle = oracle
        self.file = target_file(target)
        self.broken = load_info(target)["broken"]  # name -> where its definition fails to parse
        self.warnings: list[str] = []
        self.own_forward: dict[str, Any] | None = None
        self.probes_off = False  # set when a probe hung or killed the worker

    def start_item(self) -> None:
        self.warnings = []

    def function(self, name: str, needed_by: str | None = None) -> Callable:
        """The target's function ``name``; else stop the item (its verdict says why it is missing).
        needed_by: the backward judged with this forward's cache."""
        fn = getattr(self.target, name, None)
        if callable(fn):
            return fn
        if needed_by:
            raise Abort(Verdict(FAIL, note=f"`{needed_by}` is judged with the cache of the target's own `{name}`, "
                                           f"and the target has no function `{name}`", culprit=name))
        if name in self.broken:
            raise Abort(Verdict(MISSING, note=f"target has no function `{name}`: its definition does not parse "
                                              f"({self.broken[name]})"))
        raise Abort(Verdict(MISSING, note=f"target has no function `{name}`"))

    def call(self, fn: Callable, args: list, what: str, culprit: str = "") -> Any:
        """fn(*args); what it raised, or how its worker ended, stops the item (``what`` names the call)."""
        try:
            # A target's RuntimeWarnings (overflow...) never decide a verdict, whatever the
            # caller's warning filters: they are recorded; wrong or non-finite values decide.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    return fn(*args)
                finally:
                    self._record_warnings(caught)
        except WorkerFailure as exc:  # isolated: the worker hung, died or broke the protocol
            if exc.kind == "grader-oom":
                raise GraderOutOfMemory(str(exc)) from None
            raise Abort(Verdict(ERROR, note=f"{what}: {exc}", culprit=exc.function or culprit,
                                timeout=exc.kind == "timeout", exit=exc.kind)) from None
        except TargetRaised as exc:  # isolated: raised in the worker, its frames already cut
            raise Abort(Verdict(ERROR, note=f"{what} raised {exc.type_name}: {exc}\n{exc.remote_traceback}",
                                culprit=culprit)) from None
        except Exception as exc:  # noqa: BLE001 - the target's failure is its verdict
            raise Abort(Verdict(ERROR, note=f"{what} raised {type(exc).__name__}: {exc}\n"
                                            f"{_target_frames_only(exc, self.file)}", culprit=culprit)) from None

    def _record_warnings(self, caught: list) -> None:
        texts = list(getattr(self.target, "last_warnings", []))  # an isolated target's, from the worker
        texts += [f"{w.category.__name__}: {w.message}" for w in caught]
        for text in texts:
            if text not in self.warnings and len(self.warnings) < MAX_WARNINGS:
                self.warnings.append(text)

    def named(self, spec: Spec, result: Any, for_cache: bool = False) -> dict[str, Any]:
        """named_outputs, or stop this item with its message."""
        named = named_outputs(spec, result, for_cache)
        if isinstance(named, str):
            raise Abort(Verdict(FAIL, [Finding("structure", "", f"your `{spec.function}`: {named}")],
                                culprit=spec.function))
        return named

    def arguments(self, spec: Spec, inputs: dict[str, np.ndarray], cache: Any = None, for_cache: bool = False) -> list:
        """Fresh copies of the inputs; dicts also carry the alias keys (seed 000's U, W, V...).
        for_cache: for the call that builds a backward's cache (calling.arguments)."""
        args = calling.arguments(spec, inputs, cache, for_cache=for_cache)
        fields = alias_fields(spec)
        for arg in args:
            if isinstance(arg, dict):
                for name, aliases in fields.items():
                    if name in arg:
                        arg.update({alias: arg[name].copy() for alias in aliases})
        return args

    def cache(self, spec: Spec, inputs: dict[str, np.ndarray]) -> Any:
        """The cache a backward is fed: the oracle's (``"cache": "suite"``: the layout is
        the suite's contract, so a wrong forward cannot hide a right backward) or the target's own."""
        forward = spec.forward_spec()
        if spec.backward["cache"] == "suite":
            fwd_out = getattr(self.oracle, forward.function)(*self.arguments(forward, inputs, for_cache=True))
            return calling.name_outputs(forward, fwd_out, for_cache=True)[calling.cache_output_name(forward)]
        fn = self.function(forward.function, needed_by=spec.function)
        what = f"your `{forward.function}` (building the cache for `{spec.function}`" + (
            f": called with {forward.cache_flag}=True as its last argument, it returns its cache last)"
            if forward.cache_flag else ")")
        named = named_outputs(forward, self.call(fn, self.arguments(forward, inputs, for_cache=True), what,
                                                 forward.function), for_cache=True)
        if isinstance(named, str):
            raise Abort(Verdict(FAIL, [Finding("structure", "", f"{what}: {named}")], culprit=forward.function))
        self.own_forward = named  # if the backward fails, whether its forward was right says why
        return named[calling.cache_output_name(forward)]

    def call_arguments(self, spec: Spec, inputs: dict[str, np.ndarray]) -> list:
        """The arguments of an item's call: fresh copies of its inputs, and for a backward its cache."""
        return self.arguments(spec, inputs, self.cache(spec, inputs) if spec.backward else None)

    def perturbed(self, spec: Spec, inputs: dict[str, np.ndarray], path: str, points: list[np.ndarray],
                  what: str) -> list:
        """The target's ``spec`` function on ``inputs`` with input ``path`` set to each of
        ``points`` in turn, asked at once (an isolated target runs them in one request)."""
        keep = [i for i, item in enumerate(spec.outputs) if item["kind"] != "cache"]
        name, _, field = path.partition(".")
        position = next(i for i, p in enumerate(spec.parameters) if p["name"] == name)
        at = [[position, key] for key in [field, *alias_fields(spec).get(field, [])]] if field else [[position]]
        return self.call(lambda: self.target.call_perturbed(spec.function, self.arguments(spec, inputs), at,
                                                            np.stack(points), keep), [], what, spec.function)

    def many(self, spec: Spec, points: list[dict[str, np.ndarray]], what: str) -> list:
        """The target's ``spec`` function on each of ``points`` (inputs by path); an isolated
        target runs them all in one request."""
        keep = [i for i, item in enumerate(spec.outputs) if item["kind"] != "cache"]
        calls = [self.arguments(spec, inputs) for inputs in points]
        return self.call(lambda: self.target.call_many(spec.function, calls, keep), [], what, spec.function)

    def probe(self, spec: Spec) -> Callable[[dict[str, np.ndarray]], dict[str, Any] | None]:
        """The target's ``spec`` function on other inputs (a differential probe): its outputs by name,
        or None when it raised or returned something unreadable. A probe that hangs or crashes the
        worker ends probing for this target: a hint is never worth another timeout."""
        def probe(inputs: dict[str, np.ndarray]) -> dict[str, Any] | None:
            if self.probes_off:
                return None
            try:
                cache = self.cache(spec, inputs) if spec.backward else None
                named = named_outputs(spec, self.call(self.function(spec.function),
                                                      self.arguments(spec, inputs, cache), "probe"))
            except Abort as abort:
                self.probes_off = self.probes_off or bool(abort.verdict.exit)
                return None
            return None if isinstance(named, str) else named
        return probe

    def batch_from(self, spec: Spec, ref: CaseRef, run: list[CaseRef], dtype: str, random_seed: int,
                   manifest: Any) -> bool:
        """Whether ``ref``'s call is (now) in a batch: an isolated target is asked at once for ``ref``
        and the planned items after it (``run``, from planning.Plan.run_from) whose arguments need
        no call of the target (not a gradient check, not a backward fed the target's own cache).

        The request is the same for every target of a class: it is encoded once per process and
        kept with the spec; each call's arguments are made here only if the target changed them."""
        target = self.target
        if not target.batches or not run:
            return False
        if target.has_batched(ref.name):
            return True
        if ref.kind == "gradcheck" or (spec.backward and spec.backward["cache"] != "suite"):
            return False
        by_value = bool(caches.cache_layout(spec))
        names, data_keys, makers = [], [], []
        for later in run:
            try:
                data_key, inputs, _ = loaded_item(spec, later, random_seed, manifest)
            except fixtures.FixtureError:
                break  # that item says so itself
            names.append(later.name)
            data_keys.append(data_key)
            makers.append(lambda inputs=inputs: self.call_arguments(spec, cast(inputs, dtype)))
        memo = ("batch request", dtype, by_value, tuple(data_keys))
        try:
            if memo not in spec.loaded:
                spec.loaded[memo] = target.batch_request(spec.function, [make() for make in makers], by_value)
            target.batch(spec.function, list(zip(names, makers)), spec.loaded[memo], by_value)
        except (WorkerFailure, TargetImportError):  # the worker cannot be (re)started: the item's call says why
            return False
        return True
