"""Known mistakes, recognised by evidence: the "why" of a failing item.

For a failing item (or a passing one that warned) the harness hands over an ``Evidence``:
the case's inputs, the expected and the target's outputs, the findings, the warnings, and a
way to call the target again on other inputs. Each catalogue entry for the function lists
evidence that recognises its mistake (spec/catalogue/schema.json):

- ``variant``: the oracle with the mistake switched on (oracle/mistakes.py, in one form) on the
  same inputs gives what the target gave, every output within a tight tolerance, and differs
  from the right answer. The strongest evidence: the mistake reproduced.
- ``finding``: a finding of these kinds (on these outputs): non-finite values where the right
  answer is finite, a dtype, the return structure, a modified input, a cache. With
  ``relation: transposed`` the wrong output is the expected one transposed.
- ``warning``: the target's numeric warnings mention this text (a passing item can warn).
- ``probe``: a differential probe calls the target on derived inputs (see PROBES).

Evidence is weighed in tiers: reproductions first; findings about values or caches count only
when no reproduction explains the item (a right-valued forward whose cache holds a missing
bias's ft is that mistake, not a cache layout), findings about other facts (a modified input,
a dtype, non-finite values, the return structure) always; probes only when nothing else holds.

A hint is given only when its evidence holds: a correct implementation never gets one, and a
bug the catalogue does not know gets none rather than a wrong one. Diagnosis runs only on
failing or warning items, so a passing run costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from conformance.contract import calling, catalogue
from conformance.contract.spec import Spec, Suite
from conformance.judging import caches
from conformance.judging.compare import as_numeric_array
from conformance.judging.verdict import Finding, Misconception
from oracle.mistakes import switched_on

MATCH_RTOL, MATCH_ATOL = 1e-6, 1e-9  # a mistake reproduced agrees to rounding, not to a tolerance
EXPLAINED = 0.01  # a reproduction leaves at most this share of the target's deviation unexplained
RESOLUTION = 1e-4  # relative: a target closer than this to the right answer cannot be told apart
EXPLAINABLE_FINDINGS = {"value", "shape", "cache", "gradient", "nonfinite"}  # what a reproduction also explains

Probe = Callable[[dict[str, np.ndarray]], "dict[str, Any] | None"]


@dataclass
class Evidence:
    """What a failing item shows. kind: "value" (the function on a case's inputs) or
    "gradcheck" (the target's backward on its own forward's cache; expected is computed here)."""

    spec: Spec
    kind: str
    inputs: dict[str, np.ndarray]
    expected: dict[str, np.ndarray] | None
    got: dict[str, Any] | None  # output name -> what the target returned; None: unreadable structure
    findings: list[Finding]
    warnings: list[str]
    probe: Probe | None  # the target's function on other inputs
    # Names the inputs (item, dtype, seed): the oracle's outputs on them, with or without a
    # mistake, are then computed once per process (spec.loaded), not once per submission.
    key: str | None = None


def _close(got: Any, want: Any) -> bool:
    got, want = as_numeric_array(got), np.asarray(want)
    if isinstance(got, str) or got.shape != want.shape:
        return False
    with np.errstate(all="ignore"):
        finite = np.abs(want[np.isfinite(want)])
        scale = float(finite.max(initial=0.0))
        return bool(np.allclose(got.astype(float), want.astype(float), rtol=MATCH_RTOL,
                                atol=MATCH_ATOL * max(1.0, scale), equal_nan=True))


def _distance(got: Any, want: Any) -> float:
    """The largest |got - want| (NaN against NaN is 0, against a number inf; shapes must agree)."""
    got, want = as_numeric_array(got), np.asarray(want, dtype=float)
    if isinstance(got, str) or got.shape != want.shape:
        return np.inf
    got, want = np.atleast_1d(got.astype(float)), np.atleast_1d(want)
    with np.errstate(all="ignore"):
        diff = np.abs(got - want)
        diff[np.isnan(got) & np.isnan(want)] = 0.0
        diff[np.isinf(got) & (got == want)] = 0.0
    return float(np.nan_to_num(diff, nan=np.inf).max(initial=0.0))


def _finite_offset(got: Any, want: Any) -> float:
    """max |got - want| where both are finite, relative to max(1, max |want|); inf if the shapes differ."""
    got, want = as_numeric_array(got), np.asarray(want, dtype=float)
    if isinstance(got, str) or got.shape != want.shape:
        return np.inf
    both = np.isfinite(got) & np.isfinite(want)
    if not both.any():
        return 0.0
    with np.errstate(all="ignore"):
        return float(np.abs(got[both] - want[both]).max() / max(1.0, float(np.abs(want[both]).max())))


def _time_axis(spec: Spec, name: str, where: str) -> int | None:
    """The time axis of a parameter or output, by its shape's symbols (T, T_x, T_back)."""
    items = spec.parameters if where == "parameter" else spec.outputs
    shape = next((i.get("shape") for i in items if i["name"] == name), None) or []
    return next((k for k, sym in enumerate(shape) if isinstance(sym, str) and sym.startswith("T")), None)


class Diagnosis:
    """Recognises the catalogue's mistakes for one suite, with its oracle."""

    def __init__(self, suite: Suite, oracle: ModuleType):
        self.suite = suite
        self.oracle = oracle
        self.catalogue = catalogue.load(suite)
        self._reproduced: dict[str, list[str]] = {}  # function -> ids a variant reproduced, latest first

    def explain(self, evidence: Evidence) -> list[Misconception]:
        function = evidence.spec.function
        entries = self.catalogue.for_function(function)
        # A variant that reproduces every output is the explanation: the first found ends the
        # tier (two mistakes giving the same numbers would be no evidence for either). Ids that
        # explained this function's other items are tried first: one student, one mistake.
        recent = self._reproduced.get(function, [])
        ordered = sorted(entries, key=lambda e: recent.index(e.id) if e.id in recent else len(recent))
        found = self._tier(ordered, evidence, _is_variant, first_only=True)
        if found and found[0].id not in recent and self._tier(
                [e for e in entries if e.id != found[0].id], evidence, _is_variant, first_only=True):
            found = []  # two mistakes give these numbers (a ReLU where every z > 0 is no activation): neither is proven
        if found:
            self._reproduced[function] = [found[0].id] + [i for i in recent if i != found[0].id]
        found += self._tier(entries, evidence, lambda rule: ("finding" in rule or "warning" in rule) and not (
            found and set(rule.get("finding", [])) <= EXPLAINABLE_FINDINGS), skip={m.id for m in found})
        return found or self._tier(entries, evidence, lambda rule: "probe" in rule)

    def _tier(self, entries: list[catalogue.Entry], ev: Evidence, admits: Callable[[Mapping], bool],
              skip: set[str] = frozenset(), first_only: bool = False) -> list[Misconception]:
        found = []
        for entry in entries:
            if entry.id in skip:
                continue
            for rule in filter(admits, entry.evidence):
                try:
                    holds = self._holds(entry.id, rule, ev)
                except Exception:  # noqa: BLE001 - a mistake the oracle cannot reproduce here is no evidence
                    holds = False
                if holds:
                    form = rule.get("name", rule.get("variant", "as a probe shows"))
                    found.append(Misconception(entry.id, entry.hint.replace("{form}", form), _describe(rule)))
                    break
            if found and first_only:
                break
        return found

    # ------------------------------------------------------------------ rules
    def _holds(self, mistake_id: str, rule: Mapping[str, Any], ev: Evidence) -> bool:
        if "variant" in rule:
            return self._variant(mistake_id, rule["variant"], ev)
        if "finding" in rule:
            return any(self._finding(rule, f, ev) for f in ev.findings)
        if "warning" in rule:
            return any(rule["warning"].lower() in w.lower() for w in ev.warnings)
        if "probe" in rule:
            return ev.probe is not None and PROBES[rule["probe"]](self, ev)
        return False

    def _finding(self, rule: Mapping[str, Any], finding: Finding, ev: Evidence) -> bool:
        if finding.kind not in rule["finding"]:
            return False
        if rule.get("outputs") and not any(finding.output.startswith(o) for o in rule["outputs"]):
            return False
        if rule.get("relation") == "transposed":
            got = as_numeric_array((ev.got or {}).get(finding.output))
            want = self._expected(ev).get(finding.output)
            return (not isinstance(got, str) and want is not None and np.ndim(want) == 2
                    and np.asarray(want).shape[0] != 1 and _close(got, np.asarray(want).T))
        if rule.get("relation") == "permuted":  # this output holds another output's right value
            got = (ev.got or {}).get(finding.output)
            return any(_close(got, want) for name, want in self._expected(ev).items() if name != finding.output)
        return True

    def _expected(self, ev: Evidence) -> dict[str, np.ndarray]:
        if ev.expected is None:
            outputs = self._run(ev.spec, ev.inputs, None, switch_forward=False, key=ev.key)
            ev.expected = {o["name"]: outputs[o["name"]] for o in ev.spec.outputs if o["kind"] != "cache"}
        return ev.expected

    def _run(self, spec: Spec, inputs: dict[str, np.ndarray], mistake: tuple[str, str] | None,
             switch_forward: bool, key: str | None = None) -> dict[str, Any]:
        """The oracle's outputs on ``inputs`` by name, with ``mistake`` (id, form) switched on;
        with a ``key`` naming the inputs, computed once and kept in ``spec.loaded`` (read only)."""
        if key is None:
            return self._compute(spec, inputs, mistake, switch_forward)
        memo = ("diagnosis", key, mistake, switch_forward)
        if memo not in spec.loaded:
            spec.loaded[memo] = self._compute(spec, inputs, mistake, switch_forward)
        return spec.loaded[memo]

    def _compute(self, spec: Spec, inputs: dict[str, np.ndarray], mistake: tuple[str, str] | None,
                 switch_forward: bool) -> dict[str, Any]:
        switch = (lambda: switched_on(*mistake)) if mistake else nullcontext
        cache = None
        forward = spec.forward_spec()
        with np.errstate(all="ignore"):
            if forward is not None:
                with switch() if switch_forward else nullcontext():
                    _, cache = calling.build_cache(getattr(self.oracle, forward.function), forward, inputs)
            with switch():
                result = getattr(self.oracle, spec.function)(*calling.arguments(spec, inputs, cache))
        return calling.name_outputs(spec, result)

    def _variant(self, mistake_id: str, form: str, ev: Evidence) -> bool:
        """The oracle with the mistake on reproduces every output the target returned."""
        if ev.got is None:
            return False
        expected = self._expected(ev)
        if not any(f.kind == "cache" for f in ev.findings) and all(
                k in ev.got and _finite_offset(ev.got[k], expected[k]) <= RESOLUTION for k in expected):
            # off by less than a reproduction can resolve, or only where values are non-finite:
            # there, every mistake that overflows "matches" (the nonfinite finding speaks instead)
            return False
        spec = ev.spec
        if ev.kind == "gradcheck":  # the target's own forward fed its backward: either may hold the mistake
            modes = (False, True)
        else:  # fed the suite's (right) cache, or the target's own forward's
            modes = (bool(spec.backward) and spec.backward.get("cache") != "suite",)
        for switch_forward in modes:
            variant = self._run(spec, ev.inputs, (mistake_id, form), switch_forward, key=ev.key)
            if not all(k in ev.got and _close(ev.got[k], variant[k]) for k in expected):
                continue
            if not all(_close(variant[k], expected[k]) for k in expected):
                # and it explains the deviation, not just rounding: a saturated case where every
                # mistake gives about the same numbers is no evidence for any one of them
                off = max(_distance(ev.got[k], expected[k]) for k in expected)
                return max(_distance(ev.got[k], variant[k]) for k in expected) <= EXPLAINED * off
            if self._explains_cache(spec, ev, variant):  # right values, and the cache the mistake leaves
                return True
        return False

    def _explains_cache(self, spec: Spec, ev: Evidence, variant: dict[str, Any]) -> bool:
        """A forward whose values are right: the mistake changes its prescribed cache, and the
        target's cache is that changed one."""
        if not caches.cache_layout(spec) or not any(f.kind == "cache" for f in ev.findings):
            return False
        name = calling.cache_output_name(spec)
        right = self._run(spec, ev.inputs, None, switch_forward=False, key=ev.key)[name]
        if not caches.cache_problems(spec, self.suite, variant[name], right, MATCH_RTOL, MATCH_ATOL):
            return False  # the mistake leaves the cache as it should be: no evidence
        return not caches.cache_problems(spec, self.suite, ev.got.get(name), variant[name], MATCH_RTOL, MATCH_ATOL)


def _is_variant(rule: Mapping[str, Any]) -> bool:
    return "variant" in rule


def _gradient_dropped_across_time(diagnosis: Diagnosis, ev: Evidence) -> bool:
    """Probe for a sequence backward: the upstream gradient is zero except at the last step.
    The right gradient of the inputs still reaches the earlier steps (through time); a
    backward that drops the gradient carried back returns zeros there."""
    spec = ev.spec
    if not spec.backward:
        return False
    upstream_name = next(iter(spec.backward["upstream"]), None)
    t_in, t_out = _time_axis(spec, upstream_name, "parameter"), _time_axis(spec, "dx", "output")
    upstream = ev.inputs.get(upstream_name)
    if t_in is None or t_out is None or upstream is None or upstream.shape[t_in] < 2:
        return False
    last_only = np.zeros_like(upstream)
    index = [slice(None)] * upstream.ndim
    index[t_in] = -1
    last_only[tuple(index)] = upstream[tuple(index)]
    inputs = {**ev.inputs, upstream_name: last_only}
    right = diagnosis._run(spec, inputs, None, switch_forward=False)["dx"]
    got = ev.probe(inputs)
    got_dx = None if got is None else as_numeric_array(got.get("dx"))
    if got_dx is None or isinstance(got_dx, str) or got_dx.shape != right.shape:
        return False
    earlier = [slice(None)] * right.ndim
    earlier[t_out] = slice(0, -1)
    reaches = float(np.abs(right[tuple(earlier)]).max()) > 1e-8 * max(1.0, float(np.abs(right).max()))
    return reaches and not np.any(got_dx[tuple(earlier)])


PROBES: dict[str, Callable[[Diagnosis, Evidence], bool]] = {
    "last-step-upstream": _gradient_dropped_across_time,
}


def _describe(rule: Mapping[str, Any]) -> str:
    if "variant" in rule:
        return f"the oracle with this mistake ({rule['variant']}) gives exactly your outputs"
    if "finding" in rule:
        return f"finding: {', '.join(rule['finding'])}" + (f" ({rule['relation']})" if rule.get("relation") else "")
    if "warning" in rule:
        return f"your code warned: {rule['warning']}"
    return f"probe: {rule['probe']}"
