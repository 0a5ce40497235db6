"""The isolated worker's protocol: caches stay in the worker, the grader holds handles."""
from __future__ import annotations

import numpy as np

from conformance import wire
from conformance.harness import Harness
from conformance.isolation import IsolatedTarget
from conformance.spec import load_suite
from oracle import cs231n

ORACLE_FILE = cs231n.__file__


def test_forward_caches_come_back_as_handles_that_backward_accepts() -> None:
    rng = np.random.default_rng(0)
    x, prev_h = rng.standard_normal((3, 4)), rng.standard_normal((3, 5))
    Wx, Wh, b = rng.standard_normal((4, 5)), rng.standard_normal((5, 5)), rng.standard_normal(5)
    dnext_h = rng.standard_normal((3, 5))
    target = IsolatedTarget(ORACLE_FILE, timeout=10)
    try:
        Harness(target, load_suite("cs231n"))  # tells the worker which outputs are caches
        next_h, cache = target.rnn_step_forward(x, prev_h, Wx, Wh, b)
        assert isinstance(cache, wire.Handle), f"the cache crossed the pipe as {type(cache).__name__}"
        assert isinstance(next_h, np.ndarray)
        got = target.rnn_step_backward(dnext_h, cache)
    finally:
        target.close()
    expected = cs231n.rnn_step_backward(dnext_h, cs231n.rnn_step_forward(x, prev_h, Wx, Wh, b)[1])
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=0, atol=0)
