"""Judge a target module, one item at a time, without pytest (the grader reuses this).

For each item: fetch the function (missing -> its items fail, nothing else does), call it
with fresh copies of the inputs, then check in layers — return structure, each output
(see compare.py), inputs left unmodified. Expected values come from fixtures or from the
oracle in this process, never from the target. When the caller says in which order items will
run (plan()), an isolated target is asked for a function's plain items in one request.

``Harness`` coordinates; each step is a module of its own: planning.py (which items, in
which order), target_calls.py (every call of the target), judgement.py (a result's verdict),
gradients/item.py (the gradient-check item), shrinking.py (a failing function's smallest failing
case, judged here like any call). It keeps what lasts across items: the plan and
the functions that timed out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from conformance.contract import calling, catalogue, fixtures
from conformance.contract.cases import CaseRef, load_inputs_and_expected
from conformance.contract.spec import Spec, Suite, oracle_for
from conformance.judging import caches, planning
from conformance.judging.diagnose import Diagnosis
from conformance.judging.gradients.item import GRADCHECK_DIRECTIONS, judge_gradients
from conformance.judging.judgement import Judge, cache_note
from conformance.judging.shrinking import DEFAULT_BUDGET_S, Judged, NotACase, Shrinker, Smallest
from conformance.judging.target_calls import Abort, GraderOutOfMemory, TargetCalls, cast, named_outputs
from conformance.judging.verdict import ERROR, FAIL, SKIP, Verdict
from conformance.running import course_helpers, tensors
from conformance.running.local import as_target
from conformance.running.target import imported_modules

__all__ = ["GraderOutOfMemory", "Harness"]


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
                 profile: str = "strict", shrink_budget: float = DEFAULT_BUDGET_S):
        self.module = module = _adapted(module, suite)
        self.suite = suite
        self.dtype = dtype
        self.random_seed = random_seed
        self.oracle = suite.oracle
        self._calls = TargetCalls(module, self.oracle)
        self.file = self._calls.file
        # function -> why it matches the reference implementation: its items earn nothing
        self.reference_matches = dict(reference_matches or {})
        # function -> the course helper module the grader supplied it from: not the target's code
        self.supplied = course_helpers.supplied_for(self.file)
        self.broken = self._calls.broken  # name -> where its definition fails to parse
        self.timed_out_at: dict[str, str] = {}  # function -> the item on which a call of it timed out
        self.gradcheck_directions = GRADCHECK_DIRECTIONS
        self._plan = planning.Plan()
        self.diagnosis = Diagnosis(suite, self.oracle) if diagnose else None
        warn_only = catalogue.profiles()[profile]  # KeyError for an unknown profile: checked by callers
        self._judge = Judge(suite, self._calls, dtype, self.diagnosis, warn_only)
        self._manifest = fixtures.load_manifest()
        self.shrink_budget = shrink_budget
        # function -> visible case -> whether it failed with wrong outputs (the items this process judged)
        self._case_failed: dict[str, dict[str, bool]] = {}
        self._shrink_case: dict[str, str] = {}  # function -> the case whose smallest case is shown
        # which outputs are caches: a target that runs elsewhere keeps those there, as handles
        module.cache_positions = {spec.function: [i for i, o in enumerate(spec.outputs_with_cache) if o["kind"] == "cache"]
                                  for spec in suite if spec.returns["kind"] == "tuple"}

    # ------------------------------------------------------------------ public
    def items(self, random_cases: int = 0) -> list[CaseRef]:
        """Every item of the suite: fixture cases, random cases, one gradient check per backward,
        in ``run_order``."""
        return planning.items(self.suite, random_cases)

    def run_order(self, refs: list[CaseRef]) -> list[CaseRef]:
        """``refs`` grouped by function, each function after the functions its items call (a
        gradient check calls the forward): a hanging forward then times out on a case of its own,
        not on a caller's item. Otherwise in the order given (stable)."""
        return planning.run_order(self.suite, refs)

    def needs(self, ref: CaseRef) -> set[str]:
        """The target functions an item calls: its own, and the forward whose cache or
        outputs it uses (a gradient check, or a backward fed the target's own cache)."""
        return planning.needs(self.suite, ref)

    def plan(self, refs: list[CaseRef]) -> None:
        """Say in which order the items will run: an isolated target is then asked for each run of
        a function's plain items (fixture and random cases, whose arguments the grader alone makes)
        in one request, and answers them one by one as they end. Optional; items run in another
        order, or not at all, are still judged as they come."""
        self._plan = planning.Plan(refs)

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
        self._calls.start_item()
        # names the item's inputs for the diagnosis's memo (float32 casts them: not memoised)
        self._judge.item_key = f"{ref.name}|seed {self.random_seed}" if self.dtype == "float64" else None
        verdict = self._run(ref)
        if verdict.timeout:
            self.note_timeout(verdict.culprit or ref.function, ref)
        verdict.warnings = list(self._calls.warnings)
        if self.shrink_budget > 0 and ref.kind == "fixture":  # a visible case only: a hidden input is never printed
            failed = verdict.outcome == FAIL and bool(verdict.wrong_outputs)
            self._case_failed.setdefault(ref.function, {})[ref.case_id] = failed
            if failed and self._first_failing(ref) == ref.case_id:
                verdict.smallest = self.smallest(ref, verdict)
        return verdict

    def _first_failing(self, ref: CaseRef) -> str:
        """The function's first visible case (spec order) that fails with wrong outputs: the one
        case whose smallest case is shown, whichever of its items this process runs (xdist, -k).
        Earlier cases this process has not judged are judged here."""
        if ref.function not in self._shrink_case:
            spec = self.suite.specs[ref.function]
            known = self._case_failed[ref.function]
            for case in spec.cases:
                if case["id"] == ref.case_id:
                    break
                if case["id"] not in known:
                    try:
                        inputs, _ = load_inputs_and_expected(spec, CaseRef(ref.function, case["id"], "fixture"),
                                                             self.random_seed, self._manifest)
                        judged = self.judge_inputs(spec, dict(inputs))[0]
                    except (fixtures.FixtureError, NotACase):
                        continue  # that item says so itself
                    known[case["id"]] = judged.outcome == FAIL and bool(judged.wrong_outputs)
                if known[case["id"]]:
                    self._shrink_case[ref.function] = case["id"]
                    break
            self._shrink_case.setdefault(ref.function, ref.case_id)
        return self._shrink_case[ref.function]

    def smallest(self, ref: CaseRef, verdict: Verdict, clock: Any = None) -> Smallest | None:
        """The smallest case of ``ref``'s recipe that fails as ``verdict`` does (shrinking.py), or
        None when its recipe does not reproduce the failure. clock: injectable, for tests."""
        spec = self.suite.specs[ref.function]
        case = next((c for c in spec.cases if c["id"] == ref.case_id), None)
        if case is None:
            return None
        shrinker = Shrinker(spec, lambda inputs: self.judge_inputs(spec, inputs), self.shrink_budget)
        if clock is not None:
            shrinker.clock = clock
        return shrinker.shrink(case, verdict)

    def judge_inputs(self, spec: Spec, inputs: dict[str, np.ndarray]) -> Judged:
        """One call of the target on inputs of no item (a shrunk case), expected values from the
        oracle here: (its verdict, its outputs by name or None, the expected outputs). Raises
        NotACase when the oracle cannot run these inputs (the target is then not called)."""
        self._calls.start_item()
        self._judge.item_key = None  # not an item's inputs: nothing memoised
        try:
            with np.errstate(all="ignore"):
                outputs = calling.run(oracle_for(spec), spec, inputs)
        except Exception as exc:  # noqa: BLE001 - the oracle is trusted: these inputs are outside the contract
            raise NotACase(f"{spec.function}: {type(exc).__name__}: {exc}") from None
        expected = {o["name"]: np.asarray(outputs[o["name"]]) for o in spec.outputs if o["kind"] != "cache"}
        inputs = cast(inputs, self.dtype)
        try:
            self._calls.own_forward = None
            args, result = self._call(spec, inputs)
            with np.errstate(all="ignore"):
                judged = self._judge.verdict(spec, inputs, expected, args, result)
        except Abort as abort:
            return abort.verdict, None, expected
        named = named_outputs(spec, result)
        return judged, named if isinstance(named, dict) else None, expected

    def _call(self, spec: Spec, inputs: dict[str, np.ndarray]) -> tuple[list, Any]:
        """(the arguments after the call, the result) of one call of ``spec``'s function, alone."""
        calls = self._calls
        fn = calls.function(spec.function)
        args = calls.call_arguments(spec, inputs)
        by_value = caches.cache_layout(spec)  # to compare the cache
        with self.module.caches_by_value() if by_value else contextlib.nullcontext():
            return args, calls.call(fn, args, f"`{spec.function}`" + cache_note(spec), spec.function)

    def _run(self, ref: CaseRef) -> Verdict:
        spec = self.suite.specs[ref.function]
        try:
            inputs, expected = load_inputs_and_expected(spec, ref, self.random_seed, self._manifest)
            if ref.kind == "gradcheck":
                # Differences of a target's losses may overflow: that is a wrong gradient, not a warning.
                with np.errstate(all="ignore"):
                    return judge_gradients(self._judge, spec, inputs, self.random_seed, self.gradcheck_directions)
            return self._call_and_judge(spec, ref, cast(inputs, self.dtype), expected)
        except Abort as abort:
            verdict = abort.verdict
            if self.diagnosis and verdict.findings:  # e.g. a forward whose return structure is wrong
                verdict.misconceptions = self._judge.explain(spec, "aborted", inputs, None, None, verdict.findings)
            return verdict
        except fixtures.FixtureError as exc:
            return Verdict(ERROR, note=f"conformance data problem (not your code): {exc}")

    def _call_and_judge(self, spec: Spec, ref: CaseRef, inputs: dict[str, np.ndarray],
                        expected: dict[str, np.ndarray]) -> Verdict:
        """A fixture or random item: one call of the target (alone, or answered from a batch), judged."""
        calls = self._calls
        calls.function(spec.function)  # missing: the item says so before any batch is asked
        calls.own_forward = None
        what = f"`{spec.function}`" + cache_note(spec)
        if calls.batch_from(spec, ref, self._plan.run_from(ref), self.dtype, self.random_seed, self._manifest):
            args, result = calls.call(lambda: self.module.batched(ref.name), [], what, spec.function)
        else:
            args, result = self._call(spec, inputs)
        with np.errstate(all="ignore"):  # hostile values (inf, 1e308) are judged, never warned about
            return self._judge.verdict(spec, inputs, expected, args, result)
