"""Every backward of both suites agrees with central finite differences of its forward.

The oracle's gradients are checked against a witness that shares no code with them
(STYLE 7): the table in ``tests/gradient_cases.py`` says which gradient belongs to
which input; this module only runs it. float64, h = 1e-5, random upstream gradients and
weights. Inputs with no returned gradient (``Wya``, ``by``...) must not move the loss.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from conformance.judging.gradients.numerical import (
    normwise_relative_error, numerical_gradient, relative_error, worst_element,
)
from gradient_cases import GradientPair, cases, run_check, seed_of

# Normwise, not elementwise: the finite-difference noise is absolute (~eps |L| / h ~ 1e-11
# per entry), so an entry whose true gradient is ~1e-6 shows an elementwise error ~1e-5
# although the backward is right. A wrong backward is off by far more than 1e-7 of the
# gradient's norm. The 1e-8 floor only matters for gradients that are exactly zero.
TOLERANCE = 1e-7
H = 1e-5

CASES = cases()


def verdict(pair: GradientPair, error: float) -> str:
    """One line: gradient, error, and the worst element, backward vs finite differences."""
    index = worst_element(pair.got, pair.expected)
    at = f"[{', '.join(map(str, index))}]"
    if not pair.returned:
        return (f"{pair.input} moves the loss (finite differences d/d{pair.input}{at}="
                f"{pair.expected[index]:.6g}) but the backward returns no gradient for it")
    return (f"{pair.name} (d/d{pair.input}): normwise relative error {error:.2e} > {TOLERANCE:g}; "
            f"worst {pair.name}{at}={pair.got[index]:.6g}, finite differences {pair.expected[index]:.6g} "
            f"(elementwise max {relative_error(pair.got, pair.expected):.2e})")


@pytest.mark.parametrize("case_id, check, dims", CASES, ids=[c[0] for c in CASES])
def test_backward_matches_finite_differences(case_id, check, dims):
    module = importlib.import_module(f"oracle.{check.suite}")
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        pairs = run_check(check, dims, module, seed_of(case_id), h=H)
    failures = []
    for pair in pairs:
        assert pair.got.shape == pair.expected.shape, (
            f"{pair.name}: shape {pair.got.shape}, but d/d{pair.input} has shape {pair.expected.shape}")
        error = normwise_relative_error(pair.got, pair.expected)
        if not error < TOLERANCE:
            failures.append(verdict(pair, error))
    if failures:
        pytest.fail(f"[{case_id} seed={seed_of(case_id)} h={H:g}]\n" + "\n".join(failures), pytrace=False)


def test_table_covers_every_backward():
    """Each backward of both suites (and the loss that returns its own dx) has a row."""
    backward = {f"{s}.{f}" for s in ("dlai", "cs231n")
                for f in importlib.import_module(f"oracle.{s}").__all__ if f.endswith("_backward")}
    checked = {f"{c.suite}.{c.name}" for _, c, _ in CASES}
    assert checked == backward | {"cs231n.temporal_softmax_loss"}


def test_cases_include_size_one_dims():
    """Per function: batch 1, one step, one feature, one hidden unit, where it has that dim."""
    for _, check, _ in CASES:
        ids = [i for i, c, _ in CASES if c is check]
        for dim in ("N", "T", "D", "H"):
            if any(f"-{dim}" in i for i in ids):
                assert any(f"-{dim}1" in i for i in ids), f"{check.name} has no {dim}=1 case"


# ------------------------------------------------------------- the library itself

def test_numerical_gradient_is_accurate_and_leaves_x_bit_identical():
    rng = np.random.RandomState(0)
    x, c = rng.randn(3, 4), rng.randn(3, 4)
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(np.sin(x) * c)), x)
    assert normwise_relative_error(grad, np.cos(before) * c) < 1e-10
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_restores_x_when_the_loss_raises():
    x = np.arange(4.0)
    calls = []

    def loss() -> float:
        calls.append(x.copy())
        if len(calls) == 3:
            raise RuntimeError("target crashed")
        return float(x.sum())

    with pytest.raises(RuntimeError):
        numerical_gradient(loss, x)
    np.testing.assert_array_equal(x, np.arange(4.0))


def test_error_measures():
    a, b = np.array([1.0, 1e-6]), np.array([1.0, 2e-6])
    assert relative_error(a, b) == pytest.approx(1 / 3)  # the near-zero entry dominates
    assert normwise_relative_error(a, b) == pytest.approx(1e-6 / (2 + 3e-6))  # weighed by size
    assert normwise_relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert worst_element(np.zeros((2, 2)), np.array([[0, 1], [np.nan, 0]])) == (1, 0)
    with pytest.raises(ValueError, match="shapes differ"):
        normwise_relative_error(np.zeros(3), np.zeros((3, 1)))
