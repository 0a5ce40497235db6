"""The gradient-check item: does the target's backward agree with central differences of its
own forward (or a loss function with its own gradient outputs)?

Owns the item: the scalar loss L = sum_k <Y_k, G_k> of the forward's outputs under the case's
random upstream gradients (or the function's own loss), a check along random directions of all
the inputs at once, then, only when that fails, every input element by element (which decides,
and says where). The numerics are numerical.py's; the calls go through target_calls.TargetCalls.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from conformance.contract import calling
from conformance.contract.spec import Spec
from conformance.judging import compare
from conformance.judging.gradients import numerical as gradcheck
from conformance.judging.judgement import Judge
from conformance.judging.target_calls import Abort, TargetCalls, named_outputs
from conformance.judging.verdict import FAIL, PASS, SKIP, Finding, Verdict

GRADCHECK_TOLERANCE = 1e-6  # normwise relative error; a right float64 backward is ~1e-9
# Random directions (in all the inputs at once) of the own-pair check, gradcheck.directional_error:
# a gradient off by a relative r slips through with probability ~ (1e-6 / r)^k; only when it fails
# is every input checked element by element (which decides, and says where). 0: always per element.
GRADCHECK_DIRECTIONS = 4


@dataclass
class _Loss:
    """What the check differentiates: ``spec``'s function called with ``inputs``, reduced to a
    scalar by ``value``; ``grads`` the target's gradients (or why unreadable), ``wrt`` gradient
    name -> input path. For a backward: the case's ``upstream`` and the forward's ``first`` outputs."""

    spec: Spec
    inputs: dict[str, np.ndarray]
    value: Callable[[dict[str, Any]], float]
    grads: dict[str, Any] | str
    wrt: dict[str, str]
    upstream: dict[str, np.ndarray] = field(default_factory=dict)
    first: dict[str, Any] | None = None


def _backward_loss(calls: TargetCalls, spec: Spec, inputs: dict[str, np.ndarray]) -> _Loss:
    """A backward's check: its forward's outputs under the case's random upstream gradients."""
    forward = spec.forward_spec()
    bwd_fn = calls.function(spec.function)  # first: a missing backward is "missing"
    loss_fn = calls.function(forward.function, needed_by=spec.function)
    upstream_map = spec.backward["upstream"]
    upstream = {name: inputs[name] for name in upstream_map}  # the case's random upstream gradients
    inputs = {k: v for k, v in inputs.items() if k not in upstream}

    def loss_value(named: dict[str, Any]) -> float:  # L = sum_k <Y_k, G_k>
        total = 0.0
        for u, o in upstream_map.items():
            value = compare.as_numeric_array(named[o])
            if isinstance(value, str) or value.shape != upstream[u].shape:
                got = value if isinstance(value, str) else f"has shape {value.shape}"
                raise Abort(Verdict(FAIL, [Finding("shape", o, f"your `{forward.function}`'s `{o}` {got}, "
                                                               f"expected {upstream[u].shape}")],
                                    culprit=forward.function))
            total += float(np.sum(value.astype(float) * upstream[u]))
        return total

    first = calls.named(forward, calls.call(loss_fn, calls.arguments(forward, inputs, for_cache=True),
                                            f"your `{forward.function}`", forward.function), for_cache=True)
    cache = first[calling.cache_output_name(forward)]
    grads = named_outputs(spec, calls.call(bwd_fn, calls.arguments(spec, {**inputs, **upstream}, cache),
                                           f"`{spec.function}`", spec.function))
    return _Loss(forward, inputs, loss_value, grads, spec.backward["gradients"], upstream, first)


def _output_loss(calls: TargetCalls, spec: Spec, inputs: dict[str, np.ndarray]) -> _Loss:
    """A function that returns a loss and its own gradients (``gradient_of_output``)."""
    loss_fn = calls.function(spec.function)
    loss_name = spec.data["gradient_of_output"]["loss"]

    def loss_value(named: dict[str, Any]) -> float:
        value = compare.as_numeric_array(named[loss_name])
        if isinstance(value, str) or value.size != 1:
            got = value if isinstance(value, str) else f"has shape {value.shape}"
            raise Abort(Verdict(FAIL, [Finding("shape", loss_name, f"the loss {got}, expected a scalar")],
                                culprit=spec.function))
        return float(value.reshape(()))

    grads = named_outputs(spec, calls.call(loss_fn, calls.arguments(spec, inputs), f"`{spec.function}`",
                                           spec.function))
    return _Loss(spec, inputs, loss_value, grads, spec.data["gradient_of_output"]["gradients"])


def judge_gradients(judge: Judge, spec: Spec, inputs: dict[str, np.ndarray], random_seed: int,
                    directions: int = GRADCHECK_DIRECTIONS) -> Verdict:
    """The verdict of ``spec``'s gradient-check item on the case's ``inputs``: central differences
    of the target's own forward against its own backward. directions: see GRADCHECK_DIRECTIONS."""
    if judge.dtype != "float64":
        return Verdict(SKIP, note="numerical gradient checks run in float64 mode only")
    calls = judge.calls
    loss = (_backward_loss if spec.backward else _output_loss)(calls, spec, inputs)
    inputs, grads, wrt, what = loss.inputs, loss.grads, loss.wrt, f"your `{loss.spec.function}`"
    if isinstance(grads, str):
        return Verdict(FAIL, [Finding("structure", "", f"return value: {grads}")], culprit=spec.function)

    findings, errors = [], {}
    element = spec.returns["kind"] in ("tuple", "dict")  # a None gradient there is a placeholder left in place
    analytics = {grad_name: compare.as_numeric_array(grads[grad_name], element) for grad_name in wrt}
    for grad_name, input_path in wrt.items():
        analytic, wanted = analytics[grad_name], inputs[input_path].shape
        if isinstance(analytic, str) or analytic.shape != wanted:
            got = analytic if isinstance(analytic, str) else f"shape {analytic.shape}"
            findings.append(Finding("gradient", grad_name, f"cannot compare with d loss / d {input_path} of shape "
                                                           f"{wanted}: {got}"))
    if not findings and directions:  # 2 k calls for all inputs; per element only to localise
        rng = np.random.default_rng([random_seed, zlib.crc32(spec.function.encode())])

        def joint_losses(points: list[dict[str, np.ndarray]]) -> list[float]:
            results = calls.many(loss.spec, [{**inputs, **point} for point in points], what)
            return [loss.value(calls.named(loss.spec, r)) for r in results]

        err = gradcheck.directional_error({path: analytics[g] for g, path in wrt.items()}, joint_losses,
                                          {path: inputs[path] for path in wrt.values()}, directions, rng)
        if err <= GRADCHECK_TOLERANCE:
            return Verdict(PASS, details={"errors": {"directional": err}})

    def losses(path: str, xs: list[np.ndarray]) -> list[float]:
        """The loss at every perturbed value of one input, in one batch (one round trip when isolated)."""
        return [loss.value(calls.named(loss.spec, r)) for r in calls.perturbed(loss.spec, inputs, path, xs, what)]

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
    return _disagreement(judge, spec, loss, grads, findings, errors)


def _disagreement(judge: Judge, spec: Spec, loss: _Loss, grads: dict[str, Any], findings: list[Finding],
                  errors: dict[str, float]) -> Verdict:
    """The failing verdict: for a backward, what is wrong with its forward first; why, if known."""
    forward, inputs = loss.spec, loss.inputs
    forward_findings = judge.forward_findings(forward, inputs, loss.first) if spec.backward else []
    verdict = Verdict(FAIL, forward_findings + findings, culprit=spec.function, details={"errors": errors},
                      note="your own forward and backward disagree (central differences, random upstream gradient):")
    if judge.diagnosis:
        found = judge.explain(spec, "gradcheck", {**inputs, **loss.upstream} if spec.backward else inputs, None,
                              grads, verdict.findings)
        if forward_findings:  # the forward this check differentiates is wrong: why, if known
            found += [m for m in judge.explain(forward, "value", inputs, None, loss.first, forward_findings)
                      if m.id not in {f.id for f in found}]
        verdict.misconceptions = found
    return verdict
