"""Judge a target module, one item at a time, without pytest (the grader reuses this).

For each item: fetch the function (missing -> its items fail, nothing else does), call it
with fresh copies of the inputs, then check in layers — return structure, each output
(see compare.py), inputs left unmodified. Expected values come from fixtures or from the
oracle in this process, never from the target. When the caller says in which order items will
run (plan()), an isolated target is asked for a function's plain items in one request.
"""

from __future__ import annotations

import contextlib
import warnings
import zlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from conformance.contract import calling, catalogue, fixtures
from conformance.contract.cases import CaseRef, hidden_case_id, load_inputs_and_expected, loaded_item
from conformance.contract.spec import Spec, Suite, alias_table
from conformance.judging import caches, compare, gradcheck
from conformance.judging.diagnose import Diagnosis, Evidence
from conformance.judging.verdict import ERROR, FAIL, MISSING, PASS, SKIP, Finding, Verdict
from conformance.running import course_helpers, tensors
from conformance.running.isolation import TargetRaised, WorkerFailure
from conformance.running.local import as_target
from conformance.running.target import TargetImportError, _target_frames_only, imported_modules, load_info, target_file

GRADCHECK_TOLERANCE = 1e-6  # normwise relative error; a right float64 backward is ~1e-9
# Random directions (in all the inputs at once) of the own-pair check, gradcheck.directional_error:
# a gradient off by a relative r slips through with probability ~ (1e-6 / r)^k; only when it fails
# is every input checked element by element (which decides, and says where). 0: always per element.
GRADCHECK_DIRECTIONS = 4


class GraderOutOfMemory(Exception):
    """The worker ran out of memory in the grader's own code: not the target's fault, so not
    a verdict; the caller reports the submission as not graded."""


class _Abort(Exception):
    """Internal: stop judging this item with a verdict."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.note)
        self.verdict = verdict


def _adapted(module: Any, suite: Suite) -> Any:
    """The target as the harness calls it: for a suite whose targets may be written with a
    framework's tensors (suite.json ``tensors``), a target importing that framework is called
    with its tensors, and a backward it lacks comes from autograd (conformance.running.tensors)."""
    framework = suite.info.tensors if suite.info else None
    target = as_target(module)
    if framework and framework in imported_modules(module):
        defined = {name for name in dir(module) if callable(getattr(module, name, None))}
        target.use_tensors(framework, tensors.autograd_plan(suite, defined))
    return target


class Harness:
    """Runs items of one suite against one target module.

    dtype: "float64" or "float32" (inputs cast, the spec's float32 tolerances used).
    diagnose: recognise known mistakes in failing items (the catalogue); off, verdicts are the same
    but carry no misconceptions. profile: a catalogue profile; under "course" a modified input
    and an overflow only warn (the item passes, the warning and its id are shown).
    """

    def __init__(self, module: ModuleType, suite: Suite, dtype: str = "float64", random_seed: int = 0,
                 reference_matches: Mapping[str, str] | None = None, diagnose: bool = True,
                 profile: str = "strict"):
        self.module = module = _adapted(module, suite)
        self.suite = suite
        self.dtype = dtype
        self.random_seed = random_seed
        self.file = target_file(module)
        # function -> why it matches the reference implementation: its items earn nothing
        self.reference_matches = dict(reference_matches or {})
        # function -> the course helper module the grader supplied it from: not the target's code
        self.supplied = course_helpers.supplied_for(self.file)
        self.broken = load_info(module)["broken"]  # name -> where its definition fails to parse
        self.timed_out_at: dict[str, str] = {}  # function -> the item on which a call of it timed out
        self._own_forward: dict[str, Any] | None = None  # the target forward's outputs behind the current cache
        self._warnings: list[str] = []  # what the target's calls warned, for the current item
        self._probes_off = False  # set when a probe hung or killed the worker
        self.gradcheck_directions = GRADCHECK_DIRECTIONS
        self._item_key: str | None = None  # see run()
        self._planned: dict[str, int] = {}  # item name -> its place in the order items will run (see plan())
        self._order: list[CaseRef] = []
        self.oracle = suite.oracle
        self.diagnosis = Diagnosis(suite, self.oracle) if diagnose else None
        self.warn_only = catalogue.profiles()[profile]  # KeyError for an unknown profile: checked by callers
        self._manifest = fixtures.load_manifest()
        # which outputs are caches: a target that runs elsewhere keeps those there, as handles
        module.cache_positions = {spec.function: [i for i, o in enumerate(spec.outputs_with_cache) if o["kind"] == "cache"]
                                  for spec in suite if spec.returns["kind"] == "tuple"}

    # ------------------------------------------------------------------ public
    def items(self, random_cases: int = 0) -> list[CaseRef]:
        """Every item of the suite: fixture cases, random cases, one gradient check per backward,
        in :meth:`run_order`."""
        refs = []
        for spec in self.suite:
            refs += [CaseRef(spec.function, c["id"], "fixture") for c in spec.cases]
            refs += [CaseRef(spec.function, hidden_case_id(k), "random") for k in range(random_cases)]
            if spec.backward or spec.data.get("gradient_of_output"):
                refs.append(CaseRef(spec.function, "gradcheck", "gradcheck"))
        return self.run_order(refs)

    def run_order(self, refs: list[CaseRef]) -> list[CaseRef]:
        """``refs`` grouped by function, each function after the functions its items call (a
        gradient check calls the forward): a hanging forward then times out on a case of its own,
        not on a caller's item. Otherwise in the order given (stable)."""
        calls: dict[str, set[str]] = {}  # function -> the other functions its items call; first seen first
        for ref in refs:
            calls.setdefault(ref.function, set()).update(self.needs(ref) - {ref.function})
        rank: dict[str, int] = {}

        def place(function: str, path: frozenset[str]) -> None:
            if function in rank or function in path:
                return
            for other in (f for f in calls if f in calls[function]):
                place(other, path | {function})
            rank[function] = len(rank)

        for function in calls:
            place(function, frozenset())
        return sorted(refs, key=lambda ref: rank[ref.function])

    def needs(self, ref: CaseRef) -> set[str]:
        """The target functions an item calls: its own, and the forward whose cache or
        outputs it uses (a gradient check, or a backward fed the target's own cache)."""
        backward = self.suite.specs[ref.function].backward or {}
        if backward and (ref.kind == "gradcheck" or backward.get("cache") != "suite"):
            return {ref.function, backward["forward"]}
        return {ref.function}

    def plan(self, refs: list[CaseRef]) -> None:
        """Say in which order the items will run: an isolated target is then asked for each run of
        a function's plain items (fixture and random cases, whose arguments the grader alone makes)
        in one request, and answers them one by one as they end. Optional; items run in another
        order, or not at all, are still judged as they come."""
        self._order = list(refs)
        self._planned = {ref.name: k for k, ref in enumerate(self._order)}

    def note_timeout(self, function: str, ref: CaseRef) -> None:
        """A call of ``function`` timed out: items that call it are not run again (each would
        wait out the timeout)."""
        self.timed_out_at.setdefault(function, ref.name)

    def run(self, ref: CaseRef) -> Verdict:
        """The verdict of one item. Raises GraderOutOfMemory (only) when the grader itself failed."""
        if ref.function in self.reference_matches:
            return Verdict(FAIL, note=f"`{ref.function}` matches the reference implementation: "
                                      f"{self.reference_matches[ref.function]}. Handing in the grader's reference "
                                      f"earns no points; write your own.", details={"reference_match": True})
        if ref.function in self.supplied:
            return Verdict(SKIP, note=f"`{ref.function}` is the course's `{self.supplied[ref.function]}."
                                      f"{ref.function}`, supplied by the grader because your code imports it and `"
                                      f"{self.supplied[ref.function]}.py` was not handed in: not judged",
                           details={"supplied": self.supplied[ref.function]})
        stuck = sorted(self.needs(ref) & set(self.timed_out_at))
        if stuck:
            return Verdict(ERROR, note=f"not run: `{stuck[0]}` timed out on {self.timed_out_at[stuck[0]]}, so the "
                                       f"items that call it were skipped", culprit=stuck[0],
                           details={"skipped_after_timeout": stuck[0]})
        self._warnings = []
        # names the item's inputs for the diagnosis's memo (float32 casts them: not memoised)
        self._item_key = f"{ref.name}|seed {self.random_seed}" if self.dtype == "float64" else None
        verdict = self._run(ref)
        if verdict.timeout:
            self.note_timeout(verdict.culprit or ref.function, ref)
        verdict.warnings = list(self._warnings)
        return verdict

    def _run(self, ref: CaseRef) -> Verdict:
        spec = self.suite.specs[ref.function]
        try:
            inputs, expected = load_inputs_and_expected(spec, ref, self.random_seed, self._manifest)
            if ref.kind == "gradcheck":
                # Differences of a target's losses may overflow: that is a wrong gradient, not a warning.
                with np.errstate(all="ignore"):
                    return self._gradcheck(spec, inputs)
            return self._judge(spec, ref, self._cast(inputs), expected)
        except _Abort as abort:
            verdict = abort.verdict
            if self.diagnosis and verdict.findings:  # e.g. a forward whose return structure is wrong
                verdict.misconceptions = self.diagnosis.explain(Evidence(
                    spec, "aborted", inputs, None, None, verdict.findings, list(self._warnings), None,
                    self._item_key))
            return verdict
        except fixtures.FixtureError as exc:
            return Verdict(ERROR, note=f"conformance data problem (not your code): {exc}")

    # ----------------------------------------------------------------- helpers
    def _cast(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if self.dtype == "float64":
            return inputs
        return {k: v.astype(self.dtype) if v.dtype.kind == "f" else v for k, v in inputs.items()}

    def _function(self, name: str, needed_by: str | None = None):
        fn = getattr(self.module, name, None)
        if callable(fn):
            return fn
        if needed_by:
            raise _Abort(Verdict(FAIL, note=f"`{needed_by}` is judged with the cache of the target's own `{name}`, "
                                            f"and the target has no function `{name}`", culprit=name))
        if name in self.broken:
            raise _Abort(Verdict(MISSING, note=f"target has no function `{name}`: its definition does not parse "
                                               f"({self.broken[name]})"))
        raise _Abort(Verdict(MISSING, note=f"target has no function `{name}`"))

    def _call(self, fn, args: list, what: str, culprit: str = ""):
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
            raise _Abort(Verdict(ERROR, note=f"{what}: {exc}", culprit=exc.function or culprit,
                                 timeout=exc.kind == "timeout", exit=exc.kind)) from None
        except TargetRaised as exc:  # isolated: raised in the worker, its frames already cut
            raise _Abort(Verdict(ERROR, note=f"{what} raised {exc.type_name}: {exc}\n{exc.remote_traceback}",
                                 culprit=culprit)) from None
        except Exception as exc:  # noqa: BLE001 - the target's failure is its verdict
            raise _Abort(Verdict(ERROR, note=f"{what} raised {type(exc).__name__}: {exc}\n"
                                             f"{_target_frames_only(exc, self.file)}", culprit=culprit)) from None

    def _record_warnings(self, caught: list) -> None:
        texts = list(getattr(self.module, "last_warnings", []))  # an isolated target's, from the worker
        texts += [f"{w.category.__name__}: {w.message}" for w in caught]
        for text in texts:
            if text not in self._warnings and len(self._warnings) < 5:
                self._warnings.append(text)

    def _perturbed_calls(self, fn, spec: Spec, inputs: dict[str, np.ndarray], path: str,
                         points: list[np.ndarray], what: str) -> list:
        """The target's ``spec`` function ``fn`` on ``inputs`` with input ``path`` set to each of
        ``points`` in turn, asked at once (an isolated target runs them in one request)."""
        keep = [i for i, item in enumerate(spec.outputs) if item["kind"] != "cache"]
        name, _, field = path.partition(".")
        position = next(i for i, p in enumerate(spec.parameters) if p["name"] == name)
        at = [[position, key] for key in [field, *self._alias_fields(spec).get(field, [])]] if field else [[position]]
        return self._call(lambda: self.module.call_perturbed(spec.function, self._arguments(spec, inputs), at,
                                                             np.stack(points), keep), [], what, spec.function)

    def _calls_on(self, fn, spec: Spec, points: list[dict[str, np.ndarray]], what: str) -> list:
        """The target's ``spec`` function ``fn`` on each of ``points`` (inputs by path); an isolated
        target runs them all in one request."""
        keep = [i for i, item in enumerate(spec.outputs) if item["kind"] != "cache"]
        calls = [self._arguments(spec, inputs) for inputs in points]
        return self._call(lambda: self.module.call_many(spec.function, calls, keep), [], what, spec.function)

    def _named(self, spec: Spec, result: Any, for_cache: bool = False) -> dict[str, Any]:
        """_structure, or stop this item with its message."""
        named = self._structure(spec, result, for_cache)
        if isinstance(named, str):
            raise _Abort(Verdict(FAIL, [Finding("structure", "", f"your `{spec.function}`: {named}")],
                                 culprit=spec.function))
        return named

    def _arguments(self, spec: Spec, inputs: dict[str, np.ndarray], cache: Any = None, for_cache: bool = False) -> list:
        """Fresh copies of the inputs; dicts also carry the alias keys (seed 000's U, W, V...).
        for_cache: for the call that builds a backward's cache (calling.arguments)."""
        args = calling.arguments(spec, inputs, cache, for_cache=for_cache)
        fields = self._alias_fields(spec)
        for arg in args:
            if isinstance(arg, dict):
                for name, aliases in fields.items():
                    if name in arg:
                        arg.update({alias: arg[name].copy() for alias in aliases})
        return args

    @staticmethod
    def _alias_fields(spec: Spec) -> Mapping[str, list[str]]:
        """Dict field -> its aliases (a backward shares its forward's), e.g. Waa -> [W]."""
        return alias_table(spec, "fields") or alias_table(spec.forward_spec() or spec, "fields")

    def _cache(self, spec: Spec, inputs: dict[str, np.ndarray]) -> Any:
        """The cache a backward is fed: the oracle's (``"cache": "suite"``: the layout is
        the suite's contract, so a wrong forward cannot hide a right backward) or the target's own."""
        forward = spec.forward_spec()
        if spec.backward["cache"] == "suite":
            fwd_out = getattr(self.oracle, forward.function)(*self._arguments(forward, inputs, for_cache=True))
            return calling.name_outputs(forward, fwd_out, for_cache=True)[calling.cache_output_name(forward)]
        fn = self._function(forward.function, needed_by=spec.function)
        what = f"your `{forward.function}` (building the cache for `{spec.function}`" + (
            f": called with {forward.cache_flag}=True as its last argument, it returns its cache last)"
            if forward.cache_flag else ")")
        named = self._structure(forward, self._call(fn, self._arguments(forward, inputs, for_cache=True), what,
                                                    forward.function), for_cache=True)
        if isinstance(named, str):
            raise _Abort(Verdict(FAIL, [Finding("structure", "", f"{what}: {named}")], culprit=forward.function))
        self._own_forward = named  # if the backward fails, whether its forward was right says why
        return named[calling.cache_output_name(forward)]

    def _structure(self, spec: Spec, result: Any, for_cache: bool = False) -> dict[str, Any] | str:
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

    @staticmethod
    def _mutations(spec: Spec, args: list, inputs: dict[str, np.ndarray]) -> list[str]:
        """Names of the arguments the target modified in place."""
        changed = []
        for param, arg in zip(spec.parameters, args):
            name = param["name"]
            pairs = ([(name, arg, inputs.get(name))] if isinstance(arg, np.ndarray)
                     else [(f"{name}['{f}']", arg.get(f), inputs.get(f"{name}.{f}")) for f in param.get("fields", {})]
                     if isinstance(arg, dict) else [])
            for label, after, before in pairs:
                if before is not None and not (isinstance(after, np.ndarray) and after.shape == before.shape
                                               and np.array_equal(after, before, equal_nan=True)):
                    changed.append(label)
        return changed

    @staticmethod
    def _cache_note(spec: Spec) -> str:
        """For a backward fed the suite's cache: the cache it was fed, so an unpacking error explains itself."""
        if not spec.backward or spec.backward["cache"] != "suite":
            return ""
        layout = caches.layout_text(caches.cache_layout(spec.forward_spec()) or [])
        return f" (fed the suite's cache from `{spec.backward['forward']}`: {layout})"

    # ------------------------------------------------------------------ judge
    def _judge(self, spec: Spec, ref: CaseRef, inputs: dict[str, np.ndarray],
               expected: dict[str, np.ndarray]) -> Verdict:
        fn = self._function(spec.function)
        self._own_forward = None
        what = f"`{spec.function}`" + self._cache_note(spec)
        if self._batch_from(ref):
            args, result = self._call(lambda: self.module.batched(ref.name), [], what, spec.function)
        else:
            args = self._call_arguments(spec, inputs)
            by_value = caches.cache_layout(spec)  # to compare the cache
            with self.module.caches_by_value() if by_value else contextlib.nullcontext():
                result = self._call(fn, args, what, spec.function)
        with np.errstate(all="ignore"):  # hostile values (inf, 1e308) are judged, never warned about
            return self._verdict(spec, inputs, expected, args, result)

    def _call_arguments(self, spec: Spec, inputs: dict[str, np.ndarray]) -> list:
        """The arguments of an item's call: fresh copies of its inputs, and for a backward its cache."""
        return self._arguments(spec, inputs, self._cache(spec, inputs) if spec.backward else None)

    def _batch_from(self, ref: CaseRef) -> bool:
        """Whether ``ref``'s call is (now) in a batch: an isolated target is asked at once for ``ref``
        and the planned items after it of the same function whose arguments need no call of
        the target (not a gradient check, not a backward fed the target's own cache).

        The request is the same for every target of a class: it is encoded once per process and
        kept with the spec; each call's arguments are made here only if the target changed them."""
        module = self.module
        if not module.batches or ref.name not in self._planned:
            return False
        if module.has_batched(ref.name):
            return True
        spec = self.suite.specs[ref.function]
        if ref.kind == "gradcheck" or (spec.backward and spec.backward["cache"] != "suite"):
            return False
        by_value = bool(caches.cache_layout(spec))
        names, data_keys, makers = [], [], []
        for later in self._order[self._planned[ref.name]:]:
            if later.function != ref.function or later.kind == "gradcheck":
                break
            try:
                data_key, inputs, _ = loaded_item(spec, later, self.random_seed, self._manifest)
            except fixtures.FixtureError:
                break  # that item says so itself
            names.append(later.name)
            data_keys.append(data_key)
            makers.append(lambda inputs=inputs: self._call_arguments(spec, self._cast(inputs)))
        memo = ("batch request", self.dtype, by_value, tuple(data_keys))
        try:
            if memo not in spec.loaded:
                spec.loaded[memo] = module.batch_request(spec.function, [make() for make in makers], by_value)
            module.batch(spec.function, list(zip(names, makers)), spec.loaded[memo], by_value)
        except (WorkerFailure, TargetImportError):  # the worker cannot be (re)started: the item's call says why
            return False
        return True

    def _verdict(self, spec: Spec, inputs: dict[str, np.ndarray], expected: dict[str, np.ndarray],
                 args: list | None, result: Any) -> Verdict:
        """args: the arguments after the call (None: an isolated call said it left them as they were)."""
        findings: list[Finding] = []
        named = self._structure(spec, result)
        if isinstance(named, str):
            findings.append(Finding("structure", "", f"return value: {named}"))
            named = None
        else:
            for item in spec.outputs:
                name = item["name"]
                if item["kind"] == "cache":
                    continue
                tol = spec.tolerance(name, self.dtype)
                finding = compare.compare(name, named[name], expected[name], tol["rtol"], tol["atol"], self.dtype,
                                          element=spec.returns["kind"] in ("tuple", "dict"))
                if finding:
                    findings.append(finding)
            if not findings and caches.cache_layout(spec):  # right values: is the cache the prescribed one?
                findings += self._cache_findings(spec, inputs, named)
        changed = getattr(self.module, "last_args_changed", True)  # an isolated call says; in-process: look
        for label in self._mutations(spec, args, inputs) if changed else []:
            findings.append(Finding("mutated-input", label, f"modified its input `{label}` in place: a caller's data "
                                                            f"must not change (work on a copy, e.g. x = x.copy(), or "
                                                            f"avoid in-place operators like +=)"))
        forward_findings = []
        if findings and self._own_forward is not None:  # fed the cache of the target's own forward
            forward_findings = self._forward_findings(spec.forward_spec(), inputs, self._own_forward)
        verdict = Verdict(FAIL if findings else PASS, forward_findings + findings,
                          culprit=spec.function if findings else "")
        if self.diagnosis and forward_findings:  # the cause is the forward's: a backward-only mistake can't be told
            verdict.misconceptions = self.diagnosis.explain(Evidence(
                spec.forward_spec(), "value", inputs, None, self._own_forward, forward_findings,
                list(self._warnings), None, self._item_key))
        elif self.diagnosis and (findings or self._warnings):
            verdict.misconceptions = self.diagnosis.explain(Evidence(
                spec, "value", inputs, expected, named, findings, list(self._warnings), self._probe(spec),
                self._item_key))
        return self._apply_profile(spec, verdict)

    def _apply_profile(self, spec: Spec, verdict: Verdict) -> Verdict:
        """Under a lenient profile, the findings its ids cover become warnings; with none left
        the item passes (the ids stay, so the student still reads why)."""
        if not self.warn_only or not verdict.findings:  # the default: nothing to demote, no lookup per item
            return verdict
        kinds = {kind for entry in catalogue.load(self.suite).for_function(spec.function)
                 if entry.id in self.warn_only for rule in entry.evidence for kind in rule.get("finding", [])}
        demoted = [f for f in verdict.findings if f.kind in kinds]
        if not demoted:
            return verdict
        verdict.findings = [f for f in verdict.findings if f not in demoted]
        self._warnings += [f"{f.line().splitlines()[0]} (a warning under this profile)" for f in demoted]
        if not verdict.findings:
            verdict.outcome, verdict.culprit = PASS, ""
        return verdict

    def _cache_findings(self, spec: Spec, inputs: dict[str, np.ndarray], named: dict[str, Any]) -> list[Finding]:
        """A forward's cache against the layout its spec prescribes: the backward functions unpack it."""
        name = calling.cache_output_name(spec)
        tol = spec.tolerance(next(o["name"] for o in spec.outputs if o["kind"] != "cache"), self.dtype)
        memo = ("expected cache", self._item_key)  # the oracle's cache for an item's inputs: once per process
        if self._item_key is None:
            want = caches.expected_cache(spec, self.oracle, inputs)
        else:
            want = spec.loaded.get(memo)
            if want is None:
                want = spec.loaded[memo] = caches.expected_cache(spec, self.oracle, inputs)
        return [Finding("cache", name, f"{problem}") for problem in
                caches.cache_problems(spec, self.suite, named[name], want, tol["rtol"], tol["atol"])]

    def _probe(self, spec: Spec):
        """The target's ``spec`` function on other inputs (a differential probe): its outputs by name,
        or None when it raised or returned something unreadable. A probe that hangs or crashes the
        worker ends probing for this target: a hint is never worth another timeout."""
        def probe(inputs: dict[str, np.ndarray]) -> dict[str, Any] | None:
            if self._probes_off:
                return None
            try:
                cache = self._cache(spec, inputs) if spec.backward else None
                named = self._structure(spec, self._call(self._function(spec.function),
                                                         self._arguments(spec, inputs, cache), "probe"))
            except _Abort as abort:
                self._probes_off = self._probes_off or bool(abort.verdict.exit)
                return None
            return None if isinstance(named, str) else named
        return probe

    def _forward_findings(self, forward: Spec, inputs: dict[str, np.ndarray], got: dict[str, Any]) -> list[Finding]:
        """For a failed gradient check, or a failed backward fed the target's own forward's cache:
        what is wrong with that forward on the same inputs (its outputs, else its cache's
        layout), each labelled as the forward's."""
        expected = calling.run(self.oracle, forward, inputs)
        findings = []
        for item in forward.outputs:
            if item["kind"] != "cache":
                tol = forward.tolerance(item["name"], self.dtype)
                found = compare.compare(item["name"], got[item["name"]], expected[item["name"]], tol["rtol"],
                                        tol["atol"], self.dtype, element=forward.returns["kind"] in ("tuple", "dict"))
                findings += [found] if found else []
        if not findings and caches.cache_layout(forward):
            if self.module.caches_are_handles:  # the cache the backward got stayed where the target runs
                with self.module.caches_by_value():
                    got = self._named(forward, self._call(self._function(forward.function),
                                                          self._arguments(forward, inputs), "your forward"))
            findings = self._cache_findings(forward, inputs, got)
        for finding in findings:
            finding.text = f"(your `{forward.function}`, whose cache and outputs this item uses) {finding.text}"
        return findings

    # -------------------------------------------------------------- gradcheck
    def _gradcheck(self, spec: Spec, inputs: dict[str, np.ndarray]) -> Verdict:
        """Central differences of the target's own forward against its own backward."""
        if self.dtype != "float64":
            return Verdict(SKIP, note="numerical gradient checks run in float64 mode only")
        if spec.backward:
            forward = spec.forward_spec()
            bwd_fn = self._function(spec.function)  # first: a missing backward is "missing"
            loss_spec, loss_fn = forward, self._function(forward.function, needed_by=spec.function)
            upstream_map = spec.backward["upstream"]
            upstream = {name: inputs[name] for name in upstream_map}  # the case's random upstream gradients
            inputs = {k: v for k, v in inputs.items() if k not in upstream}

            def loss_value(named: dict[str, Any]) -> float:  # L = sum_k <Y_k, G_k>
                total = 0.0
                for u, o in upstream_map.items():
                    value = compare.as_numeric_array(named[o])
                    if isinstance(value, str) or value.shape != upstream[u].shape:
                        got = value if isinstance(value, str) else f"has shape {value.shape}"
                        raise _Abort(Verdict(FAIL, [Finding("shape", o, f"your `{forward.function}`'s `{o}` {got}, "
                                                                        f"expected {upstream[u].shape}")],
                                             culprit=forward.function))
                    total += float(np.sum(value.astype(float) * upstream[u]))
                return total

            first = self._named(forward, self._call(loss_fn, self._arguments(forward, inputs, for_cache=True),
                                                    f"your `{forward.function}`", forward.function), for_cache=True)
            cache = first[calling.cache_output_name(forward)]
            grads = self._structure(spec, self._call(bwd_fn, self._arguments(spec, {**inputs, **upstream}, cache),
                                                     f"`{spec.function}`", spec.function))
            wrt = spec.backward["gradients"]
        else:
            loss_spec, loss_fn = spec, self._function(spec.function)
            loss_name = spec.data["gradient_of_output"]["loss"]

            def loss_value(named: dict[str, Any]) -> float:
                value = compare.as_numeric_array(named[loss_name])
                if isinstance(value, str) or value.size != 1:
                    got = value if isinstance(value, str) else f"has shape {value.shape}"
                    raise _Abort(Verdict(FAIL, [Finding("shape", loss_name, f"the loss {got}, expected a scalar")],
                                         culprit=spec.function))
                return float(value.reshape(()))

            grads = self._structure(spec, self._call(loss_fn, self._arguments(spec, inputs), f"`{spec.function}`",
                                                     spec.function))
            wrt = spec.data["gradient_of_output"]["gradients"]
        if isinstance(grads, str):
            return Verdict(FAIL, [Finding("structure", "", f"return value: {grads}")], culprit=spec.function)

        def losses(path: str, xs: list[np.ndarray]) -> list[float]:
            """The loss at every perturbed value of one input, in one batch (one round trip when isolated)."""
            results = self._perturbed_calls(loss_fn, loss_spec, inputs, path, xs, f"your `{loss_spec.function}`")
            return [loss_value(self._named(loss_spec, r)) for r in results]

        findings, errors = [], {}
        element = spec.returns["kind"] in ("tuple", "dict")  # a None gradient there is a placeholder left in place
        analytics = {grad_name: compare.as_numeric_array(grads[grad_name], element) for grad_name in wrt}
        for grad_name, input_path in wrt.items():
            analytic, wanted = analytics[grad_name], inputs[input_path].shape
            if isinstance(analytic, str) or analytic.shape != wanted:
                got = analytic if isinstance(analytic, str) else f"shape {analytic.shape}"
                findings.append(Finding("gradient", grad_name, f"cannot compare with d loss / d {input_path} of shape "
                                                               f"{wanted}: {got}"))
        if not findings and self.gradcheck_directions:  # 2 k calls for all inputs; per element only to localise
            rng = np.random.default_rng([self.random_seed, zlib.crc32(spec.function.encode())])

            def joint_losses(points: list[dict[str, np.ndarray]]) -> list[float]:
                results = self._calls_on(loss_fn, loss_spec, [{**inputs, **point} for point in points],
                                         f"your `{loss_spec.function}`")
                return [loss_value(self._named(loss_spec, r)) for r in results]

            err = gradcheck.directional_error({path: analytics[g] for g, path in wrt.items()}, joint_losses,
                                              {path: inputs[path] for path in wrt.values()},
                                              self.gradcheck_directions, rng)
            if err <= GRADCHECK_TOLERANCE:
                return Verdict(PASS, details={"errors": {"directional": err}})
        for grad_name, input_path in wrt.items():
            analytic = analytics[grad_name]
            if isinstance(analytic, str) or analytic.shape != inputs[input_path].shape:
                continue  # said above
            numeric = gradcheck.numerical_gradient_batch(lambda xs: losses(input_path, xs), inputs[input_path])
            err = gradcheck.normwise_relative_error(analytic, numeric)
            errors[grad_name] = err
            if not err <= GRADCHECK_TOLERANCE:
                idx = np.unravel_index(int(np.argmax(np.abs(analytic - numeric))), numeric.shape)
                findings.append(Finding(
                    "gradient", grad_name,
                    f"disagrees with the numerical gradient of your forward with respect to {input_path}: relative "
                    f"error {err:.3g} > {GRADCHECK_TOLERANCE:g}; worst at {list(map(int, idx))}: backward "
                    f"{analytic[idx]:.10g}, numerical {numeric[idx]:.10g}",
                    [int(i) for i in idx], float(analytic[idx]), float(numeric[idx]), GRADCHECK_TOLERANCE))
        if not findings:
            return Verdict(PASS, details={"errors": errors})
        forward_findings = self._forward_findings(forward, inputs, first) if spec.backward else []
        verdict = Verdict(FAIL, forward_findings + findings, culprit=spec.function, details={"errors": errors},
                          note="your own forward and backward disagree (central differences, random upstream gradient):")
        if self.diagnosis:
            found = self.diagnosis.explain(Evidence(
                spec, "gradcheck", {**inputs, **upstream} if spec.backward else inputs, None, grads,
                verdict.findings, list(self._warnings), None, self._item_key))
            if forward_findings:  # the forward this check differentiates is wrong: why, if known
                found += [m for m in self.diagnosis.explain(Evidence(forward, "value", inputs, None, first,
                                                                     forward_findings, list(self._warnings), None,
                                                                     self._item_key))
                          if m.id not in {f.id for f in found}]
            verdict.misconceptions = found
        return verdict
