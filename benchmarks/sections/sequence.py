"""Sequence-length growth: what judging an LSTM costs as the number of time steps T grows.

For each T: the oracle's lstm_forward + lstm_backward of both suites, and the harness judging
a correct target in-process (alice for dlai, tests/targets/_correct_cs231n.py for cs231n) on one
hidden random item of lstm_forward and one of lstm_backward. The harness goes through its public
API: a copy of the suite whose specs' dims ranges are pinned (T to the value measured, the other
dims to their spec maxima, the sizes a hidden case can have) and ``Harness.run`` on the
hidden-case item, which builds the inputs, computes the expected values with the oracle, calls
the target, checks mutations and compares. Cost per step should stay flat if judging is linear in T.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import ModuleType

from conformance.contract import calling
from conformance.contract.cases import CaseRef, hidden_case_id, random_case
from conformance.contract.recipe import build_inputs
from conformance.contract.spec import Spec, Suite, load_all
from conformance.judging.harness import Harness
from conformance.running.target import load_target
from sections.common import ALICE, CORRECT_CS231N, ROOT, Section, Settings, median, per_call, ratio

# the suites with a sequence LSTM backward, each with its time dim and a correct target
TIME_DIM = {"dlai": "T_x", "cs231n": "T", "torch": "T"}
TARGET = {"dlai": ALICE / "rnn_utils.py", "cs231n": CORRECT_CS231N,
          "torch": ROOT / "tests" / "targets" / "_correct_torch.py"}
FUNCTIONS = ("lstm_forward", "lstm_backward")
ROUNDS = 5  # interleaved rounds over the lengths; the median of their medians is reported


def pinned(suite: Suite, steps: int) -> Suite:
    """A copy of ``suite`` whose every dims range is a single value: the time dim ``steps``, the
    others their spec maximum (a maximum that names another dim, like T_back's, that dim's value)."""
    copied = Suite(suite.name, {})
    for name, spec in suite.specs.items():
        data = copy.deepcopy(spec.data)
        dims = data["dims"]
        value = {sym: steps if sym == TIME_DIM[suite.name] else bounds["max"] for sym, bounds in dims.items()}
        for sym in dims:
            bound = value[sym]
            dims[sym]["min"] = dims[sym]["max"] = value[bound] if isinstance(bound, str) else bound
        copied.specs[name] = Spec(data, spec.file, copied)
    return copied


def oracle_call(spec: Spec) -> Callable[[], object]:
    """A call of the oracle's forward then ``spec``'s backward on one hidden case's inputs."""
    inputs = build_inputs(spec, random_case(spec, 0, 0))
    oracle = spec.suite.oracle
    return lambda: calling.run(oracle, spec, inputs)


def harness_call(harness: Harness) -> Callable[[], None]:
    """Judging one hidden item of each of FUNCTIONS; raises if any does not pass."""
    refs = [CaseRef(function, hidden_case_id(0), "random") for function in FUNCTIONS]

    def judge() -> None:
        for ref in refs:
            verdict = harness.run(ref)
            if verdict.outcome != "pass":
                raise RuntimeError(f"{harness.file}: {ref.name} did not pass at this length: {verdict.note}")
    return judge


def measurements(suites: dict[str, Suite], targets: dict[str, ModuleType], steps: int,
                 budget_s: float) -> dict[str, float]:
    """label -> median seconds per call at ``steps`` time steps (calls repeated for ``budget_s``)."""
    found = {}
    for name, suite in suites.items():
        short = pinned(suite, steps)
        found[f"oracle {name}: lstm_forward + lstm_backward"] = per_call(oracle_call(short.specs["lstm_backward"]),
                                                                         budget_s)
        found[f"harness {name}: judge both items"] = per_call(harness_call(Harness(targets[name], short)), budget_s)
    return found


def run(settings: Settings) -> Section:
    """Per-call time and per-step time at each T, and the per-step ratio to the shortest T."""
    suites = {name: suite for name, suite in load_all().items() if name in TARGET}
    lengths = sorted(set(settings.lengths))
    targets = {name: load_target(str(TARGET[name])) for name in suites}
    samples: dict[int, list[dict[str, float]]] = {steps: [] for steps in lengths}
    for _ in range(ROUNDS):  # every length in turn, so drift on a shared machine hits them alike
        for steps in lengths:
            samples[steps].append(measurements(suites, targets, steps, settings.budget_s / ROUNDS))
    by_length = {steps: {label: median([r[label] for r in rounds]) for label in rounds[0]}
                 for steps, rounds in samples.items()}
    section = Section("sequence", f"Sequence-length growth: LSTM forward + backward, other dims at the spec maxima, "
                                  f"median of {ROUNDS} interleaved rounds",
                      ["what", "T", "ms", "us/step", f"x T={lengths[0]} per step"])
    data: dict[str, dict] = {}
    for label in by_length[lengths[0]]:
        first = by_length[lengths[0]][label] / lengths[0]
        for steps in lengths:
            seconds = by_length[steps][label]
            row = {"s": seconds, "s_per_step": seconds / steps, "per_step_ratio": ratio(seconds / steps, first)}
            data.setdefault(label, {})[str(steps)] = row
            section.rows.append([label, steps, 1e3 * seconds, 1e6 * row["s_per_step"], row["per_step_ratio"]])
    section.notes.append("linear growth in T = a flat per-step ratio; the harness targets run in-process "
                         "(alice for dlai, tests/targets/_correct_cs231n.py for cs231n)")
    section.data = {"lengths": lengths, "series": data}
    return section
