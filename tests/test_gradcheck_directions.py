"""The own-pair gradient check along random directions has the power of the element-wise one.

`Harness.gradcheck_directions` random directions of all the inputs at once cost a few forward
calls; element by element costs two per input element. Over every implementation we hold
(the corpus of known mistakes, the seeds' real bugs, correct ones) both must give every
gradient-check item the same outcome: a wrong backward the element-wise check catches is
still caught, a right one still passes. The element-wise check still writes the message of
a failure (it localises it), so the failure text is the same too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from conformance.judging.gradients import numerical as gradcheck
from conformance.judging.harness import Harness
from conformance.contract.spec import load_all
from conformance.running.target import load_target

sys.path.insert(0, str(Path(__file__).parent))
from mistakes.corpus import BASES, TARGETS, mutants, target  # noqa: E402

SUITES = load_all()
OTHERS = [(TARGETS / name, suite) for name, suite in [
    ("seed000_aliases.py", "dlai"), ("seed001_dlai.py", "dlai"), ("seed002_dlai.py", "dlai"),
    ("seed003_cs231n.py", "cs231n"), ("seed004_dlai.py", "dlai"), ("mutates_inputs.py", "dlai"),
]] + [(path, suite) for suite, path in BASES.items()]


def gradcheck_verdicts(path: Path, suite: str, directions: int) -> dict[str, tuple[str, str]]:
    """item -> (outcome, text) of every gradient-check item of a target, in-process."""
    modules, search_path = set(sys.modules), list(sys.path)
    try:
        harness = Harness(load_target(str(path)), SUITES[suite], diagnose=False)
        harness.gradcheck_directions = directions
        return {ref.name: (verdict.outcome, verdict.message) for ref in harness.items()
                if ref.kind == "gradcheck" for verdict in [harness.run(ref)]}
    finally:
        for name in set(sys.modules) - modules:
            del sys.modules[name]
        sys.path[:] = search_path


def test_directions_and_elements_agree_on_every_implementation(tmp_path: Path) -> None:
    judged = [(target(m, tmp_path / m.suite), m.suite) for m in mutants()] + OTHERS
    failing = 0
    for path, suite in judged:
        fast, full = gradcheck_verdicts(path, suite, 4), gradcheck_verdicts(path, suite, 0)
        assert fast == full, f"{path.name}: {[k for k in full if fast[k] != full[k]]}"
        failing += sum(outcome == "fail" for outcome, _ in full.values())
    assert failing >= 50, f"only {failing} failing gradient checks: the comparison proves little"


def test_a_gradient_off_in_one_element_is_caught_along_directions() -> None:
    """The smallest real mistake: one entry of one of several gradients, off by 1 %."""
    rng = np.random.default_rng(0)
    x = {"w": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    weights = {"w": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}

    def losses(points: list[dict[str, np.ndarray]]) -> list[float]:
        return [float(np.sum(np.sin(p["w"]) * weights["w"]) + np.sum(p["b"] ** 2 * weights["b"])) for p in points]

    right = {"w": np.cos(x["w"]) * weights["w"], "b": 2 * x["b"] * weights["b"]}
    assert gradcheck.directional_error(right, losses, x, 4, np.random.default_rng(1)) < 1e-8
    for seed in range(20):
        wrong = {k: v.copy() for k, v in right.items()}
        wrong["b"][1] *= 1.01
        assert gradcheck.directional_error(wrong, losses, x, 4, np.random.default_rng(seed)) > 1e-6


def test_directions_never_modify_the_inputs() -> None:
    x = {"a": np.arange(6, dtype=np.float64).reshape(2, 3)}
    before = x["a"].copy()
    gradcheck.directional_error({"a": np.ones((2, 3))}, lambda ps: [float(np.sum(p["a"])) for p in ps], x, 3,
                                np.random.default_rng(0))
    assert np.array_equal(x["a"], before)
