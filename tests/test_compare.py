"""compare.compare passes exactly the values its rule allows: |got - expected| <= atol + rtol*|expected|
element by element, and a non-finite got where a finite value is expected never passes."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance.judging import compare

VALUES = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1e-9, -1e-9, np.inf, -np.inf, np.nan]))


def conforms(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    """The rule, element by element, in plain Python."""
    for g, w in zip(got.ravel().tolist(), want.ravel().tolist()):
        if not np.isfinite(g) and np.isfinite(w):
            return False
        diff = abs(g - w)
        if diff == diff and diff > atol + rtol * abs(w):  # a NaN difference (inf - inf, NaN - NaN) is no violation
            return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    hnp.arrays(np.float64, n, elements=VALUES), hnp.arrays(np.float64, n, elements=VALUES),
    st.sampled_from([0.0, 1e-7, 1e-3]), st.sampled_from([0.0, 1e-9, 1e-2]), st.booleans())))
def test_a_value_passes_exactly_when_the_rule_allows_it(case):
    got, want, rtol, atol, near = case
    with np.errstate(all="ignore"):  # as the harness judges: hostile values are judged, never warned about
        if near:  # mostly right values, some just inside and just outside the tolerance
            got = want + np.where(np.isfinite(want), (atol + rtol * np.abs(want)) * np.resize([0.5, 1.0, 1.5], want.shape), 0)
        assert (compare.compare("y", got, want, rtol, atol) is None) == conforms(got, want, rtol, atol)


def test_the_tolerance_is_inclusive_and_nonfinite_values_fail():
    want = np.array([1.0, 2.0])
    assert compare.compare("y", want + np.array([1e-3, 0.0]), want, 0.0, 1e-3) is None
    assert compare.compare("y", want + np.array([1.001e-3, 0.0]), want, 0.0, 1e-3).kind == "value"
    assert compare.compare("y", np.array([np.nan, 2.0]), want, 1e-7, 1e-9).kind == "nonfinite"
    assert compare.compare("y", np.array([np.inf, 2.0]), want, 1e-7, 1e-9).kind == "nonfinite"
