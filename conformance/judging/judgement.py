"""Judging one result of the target: from what a call returned to the item's ``Verdict``.

Owns the layers after the call: the return structure, each output against the expected one
(compare.py), a forward's cache against the prescribed layout (caches.py), the inputs left
unmodified, what is wrong with the target's own forward behind a failed backward, the known
mistakes that explain the findings (diagnose.py), and a lenient profile's demotions to warnings.
The target is called only through target_calls.TargetCalls (its forward, its probe).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from conformance.contract import calling, catalogue
from conformance.contract.spec import Spec, Suite
from conformance.judging import caches, compare
from conformance.judging.diagnose import Diagnosis, Evidence, Probe
from conformance.judging.target_calls import TargetCalls, named_outputs
from conformance.judging.verdict import FAIL, PASS, Finding, Misconception, Verdict


def mutations(spec: Spec, args: list, inputs: dict[str, np.ndarray]) -> list[str]:
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


_OUTPUT_KINDS = ("shape", "dtype", "nonfinite", "value")  # findings about an output's value, not a cache or an input


def wrong_digest(findings: list[Finding], named: dict[str, Any] | None) -> str:
    """blake2b of the outputs ``findings`` call wrong (name, dtype, shape, bytes; by name), or ""
    when none can be hashed exactly (no output wrong, the return structure wrong, an object array
    whose bytes are pointers). Equal digests: bit-identical wrong outputs."""
    names = sorted({f.output for f in findings if f.kind in _OUTPUT_KINDS and named and f.output in named})
    digest = hashlib.blake2b(digest_size=16)
    for name in names:
        try:  # in-process, a target's output may be anything
            value = np.asarray(named[name])
        except Exception:  # noqa: BLE001 - not an array: not hashed
            return ""
        if value.dtype.hasobject:
            return ""
        digest.update(f"{name}|{value.dtype.str}|{value.shape}|".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest() if names else ""


def cache_note(spec: Spec) -> str:
    """For a backward fed the suite's cache: the cache it was fed, so an unpacking error explains itself."""
    if not spec.backward or spec.backward["cache"] != "suite":
        return ""
    layout = caches.layout_text(caches.cache_layout(spec.forward_spec()) or [])
    return f" (fed the suite's cache from `{spec.backward['forward']}`: {layout})"


class Judge:
    """Judges one target's results in one suite and dtype.

    diagnosis: None, or what recognises known mistakes. warn_only: the catalogue ids a lenient
    profile demotes to warnings. ``item_key`` names the current item's inputs for the diagnosis's
    and the expected caches' memos (None: not memoised); the caller sets it per item.
    """

    def __init__(self, suite: Suite, calls: TargetCalls, dtype: str, diagnosis: Diagnosis | None,
                 warn_only: Any):
        self.suite = suite
        self.calls = calls
        self.dtype = dtype
        self.diagnosis = diagnosis
        self.warn_only = warn_only
        self.item_key: str | None = None

    def explain(self, spec: Spec, kind: str, inputs: dict[str, np.ndarray], expected: dict[str, Any] | None,
                got: dict[str, Any] | None, findings: list[Finding], probe: Probe | None = None) -> list[Misconception]:
        """The known mistakes that explain ``findings``. Only with the diagnosis on: callers check
        (off, verdicts carry no misconceptions)."""
        return self.diagnosis.explain(Evidence(spec, kind, inputs, expected, got, findings,
                                               list(self.calls.warnings), probe, self.item_key))

    def verdict(self, spec: Spec, inputs: dict[str, np.ndarray], expected: dict[str, np.ndarray],
                args: list | None, result: Any) -> Verdict:
        """The verdict of one call's ``result``. args: the arguments after the call (None: an
        isolated call said it left them as they were)."""
        findings: list[Finding] = []
        named = named_outputs(spec, result)
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
                findings += self.cache_findings(spec, inputs, named)
        changed = getattr(self.calls.target, "last_args_changed", True)  # an isolated call says; in-process: look
        for label in mutations(spec, args, inputs) if changed else []:
            findings.append(Finding("mutated-input", label, f"modified its input `{label}` in place: a caller's data "
                                                            f"must not change (work on a copy, e.g. x = x.copy(), or "
                                                            f"avoid in-place operators like +=)"))
        own_forward = self.calls.own_forward
        forward_findings = []
        if findings and own_forward is not None:  # fed the cache of the target's own forward
            forward_findings = self.forward_findings(spec.forward_spec(), inputs, own_forward)
        verdict = Verdict(FAIL if findings else PASS, forward_findings + findings,
                          culprit=spec.function if findings else "")
        if self.diagnosis and forward_findings:  # the cause is the forward's: a backward-only mistake can't be told
            verdict.misconceptions = self.explain(spec.forward_spec(), "value", inputs, None, own_forward,
                                                  forward_findings)
        elif self.diagnosis and (findings or self.calls.warnings):
            verdict.misconceptions = self.explain(spec, "value", inputs, expected, named, findings,
                                                  self.calls.probe(spec))
        verdict = self.apply_profile(spec, verdict)
        if verdict.outcome == FAIL:  # the item's own outputs; its forward's findings are another function's
            verdict.wrong_digest = wrong_digest([f for f in verdict.findings if any(f is g for g in findings)], named)
        return verdict

    def apply_profile(self, spec: Spec, verdict: Verdict) -> Verdict:
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
        self.calls.warnings += [f"{f.line().splitlines()[0]} (a warning under this profile)" for f in demoted]
        if not verdict.findings:
            verdict.outcome, verdict.culprit = PASS, ""
        return verdict

    def cache_findings(self, spec: Spec, inputs: dict[str, np.ndarray], named: dict[str, Any]) -> list[Finding]:
        """A forward's cache against the layout its spec prescribes: the backward functions unpack it."""
        name = calling.cache_output_name(spec)
        tol = spec.tolerance(next(o["name"] for o in spec.outputs if o["kind"] != "cache"), self.dtype)
        memo = ("expected cache", self.item_key)  # the oracle's cache for an item's inputs: once per process
        if self.item_key is None:
            want = caches.expected_cache(spec, self.suite.oracle, inputs)
        else:
            want = spec.loaded.get(memo)
            if want is None:
                want = spec.loaded[memo] = caches.expected_cache(spec, self.suite.oracle, inputs)
        return [Finding("cache", name, f"{problem}") for problem in
                caches.cache_problems(spec, self.suite, named[name], want, tol["rtol"], tol["atol"])]

    def forward_findings(self, forward: Spec, inputs: dict[str, np.ndarray], got: dict[str, Any]) -> list[Finding]:
        """For a failed gradient check, or a failed backward fed the target's own forward's cache:
        what is wrong with that forward on the same inputs (its outputs, else its cache's
        layout), each labelled as the forward's."""
        expected = calling.run(self.suite.oracle, forward, inputs)
        findings = []
        for item in forward.outputs:
            if item["kind"] != "cache":
                tol = forward.tolerance(item["name"], self.dtype)
                found = compare.compare(item["name"], got[item["name"]], expected[item["name"]], tol["rtol"],
                                        tol["atol"], self.dtype, element=forward.returns["kind"] in ("tuple", "dict"))
                findings += [found] if found else []
        if not findings and caches.cache_layout(forward):
            calls = self.calls
            if calls.target.caches_are_handles:  # the cache the backward got stayed where the target runs
                with calls.target.caches_by_value():
                    got = calls.named(forward, calls.call(calls.function(forward.function),
                                                          calls.arguments(forward, inputs), "your forward"))
            findings = self.cache_findings(forward, inputs, got)
        for finding in findings:
            finding.text = f"(your `{forward.function}`, whose cache and outputs this item uses) {finding.text}"
        return findings
