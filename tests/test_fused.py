"""oracle.fused, the RNN and LSTM scans with every switch off, against the step-by-step kernel path they replace.

The step path is forced by switching on a mistake neither cell reads ("softmax-axis"): the same
formulas, one step at a time. h, dx and dh0 must be the same bits; the weight and bias gradients,
summed in one product instead of per step, equal to rounding. A mistake that does touch the cell
must still change the outputs (the fast path must not swallow the switches), and a backward with a
mistake on must read a fused forward's cache step by step as it reads the list of step caches.
"""

from __future__ import annotations

import numpy as np
import pytest

from oracle import cs231n, fused, kernel
from oracle.mistakes import switched_on

UNRELATED = ("softmax-axis", "vocab-all")  # read only by the losses: switches the cells onto the step path
GATES = {"rnn": 1, "lstm": 4}
CELLS = {"rnn": kernel.RNN, "lstm": kernel.LSTM}


def draw(kind: str, n: int, t: int, d: int, h: int, dtype: type = np.float64) -> tuple:
    """cs231n's inputs x, h0, Wx, Wh, b and an upstream dh."""
    rng, g = np.random.RandomState(7), GATES[kind]
    return tuple(a.astype(dtype) for a in (rng.randn(n, t, d), rng.randn(n, h), rng.randn(d, g * h) / 2,
                                           rng.randn(h, g * h) / 2, rng.randn(g * h), rng.randn(n, t, h)))


def cs231n_pass(kind: str, x, h0, Wx, Wh, b, dh) -> tuple[tuple, object]:
    """h, dx, dh0, dWx, dWh, db of cs231n's <kind>_forward + <kind>_backward, and the forward's cache."""
    h, cache = getattr(cs231n, f"{kind}_forward")(x, h0, Wx, Wh, b)
    return (h, *getattr(cs231n, f"{kind}_backward")(dh, cache)), cache


def both_paths(kind: str, *inputs) -> tuple[tuple, tuple, object]:
    fast, cache = cs231n_pass(kind, *inputs)
    with switched_on(*UNRELATED):
        slow, cache2 = cs231n_pass(kind, *inputs)
    assert isinstance(cache2, list) and not isinstance(cache, list), "each path was not the one asked for"
    return fast, slow, cache


@pytest.mark.parametrize("kind", GATES)
@pytest.mark.parametrize("dims", [(3, 5, 4, 6), (2, 1, 3, 2), (8, 7, 5, 16)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("block", [None, 2], ids=["one-block", "blocks-of-2-steps"])
def test_cs231n_fused_equals_step_path(kind, dims, dtype, block, monkeypatch):
    if block:  # the backward's products taken every 2 steps (the earliest block partial when T is odd)
        monkeypatch.setattr(fused, "BLOCK_BYTES", block * dims[0] * GATES[kind] * dims[3] * np.dtype(dtype).itemsize)
    fast, slow, _ = both_paths(kind, *draw(kind, *dims, dtype))
    for name, got, want in zip(("h", "dx", "dh0"), fast, slow):
        assert got.dtype == want.dtype and got.shape == want.shape, name
        np.testing.assert_array_equal(got, want, err_msg=name)
    for name, got, want in zip(("dWx", "dWh", "db"), fast[3:], slow[3:]):
        assert got.dtype == want.dtype and got.shape == want.shape and got.flags.c_contiguous, name
        scale = np.max(np.abs(want))
        assert np.max(np.abs(got - want)) <= 50 * np.finfo(dtype).eps * scale * dims[1], name


BACKWARD_MISTAKES = [("index-offset", "cache-previous"), ("weights-vs-gradients", "dWh"),
                     ("gradient-not-carried", "hidden")]


@pytest.mark.parametrize("kind, mistake", [(kind, m) for kind in GATES for m in BACKWARD_MISTAKES]
                         + [("lstm", ("forget-gate-factor", "no-f")), ("rnn", ("recurrent-weight-gradient", "next_h"))])
def test_a_backward_mistake_reads_the_fused_cache_step_by_step(kind, mistake):
    x, h0, Wx, Wh, b, dh = draw(kind, 3, 4, 5, 6)
    backward = getattr(cs231n, f"{kind}_backward")
    _, _, fused_cache = both_paths(kind, x, h0, Wx, Wh, b, dh)
    with switched_on(*UNRELATED):
        _, list_cache = getattr(cs231n, f"{kind}_forward")(x, h0, Wx, Wh, b)
    with switched_on(*mistake):
        from_fused = backward(dh, fused_cache)
        from_list = backward(dh, list_cache)
    canonical = backward(dh, fused_cache)
    for got, want in zip(from_fused, from_list):
        np.testing.assert_array_equal(got, want)
    assert any(not np.allclose(a, c) for a, c in zip(from_fused, canonical)), "the mistake changed nothing"


@pytest.mark.parametrize("kind, mistake", [("lstm", ("gate-order", "ifgo")), ("lstm", ("missing-bias", "b")),
                                           ("rnn", ("missing-bias", "b")), ("rnn", ("transposed-weight", "Wh"))])
def test_a_forward_mistake_is_not_skipped_by_the_fast_path(kind, mistake):
    x, h0, Wx, Wh, b, _ = draw(kind, 3, 4, 5, 6)
    forward = getattr(cs231n, f"{kind}_forward")
    h, _ = forward(x, h0, Wx, Wh, b)
    with switched_on(*mistake):
        h_mistaken, _ = forward(x, h0, Wx, Wh, b)
    assert not np.allclose(h, h_mistaken)


def kernel_layout_problem(kind: str) -> tuple:
    """Time-major inputs in the kernel's own layout (blocks i, f, g, o): x, states, Params, and the
    upstream gradients of the outputs and of every final state."""
    rng, g, states = np.random.RandomState(3), GATES[kind], CELLS[kind].states
    T, N, D, H = 6, 4, 3, 5
    x, state0 = rng.randn(T, N, D), tuple(rng.randn(N, H) for _ in range(states))
    params = kernel.Params(rng.randn(g * H, D), rng.randn(g * H, H), rng.randn(g * H), rng.randn(g * H))
    return x, state0, params, rng.randn(T, N, H), tuple(rng.randn(N, H) for _ in range(states))


@pytest.mark.parametrize("kind", GATES)
def test_kernel_layout_time_major_with_final_state_gradients(kind):
    """fused in the kernel's own layout (time first) against kernel.cell_scan_*."""
    x, state0, params, dout, dfinal = kernel_layout_problem(kind)
    forward, backward = getattr(fused, f"{kind}_forward"), getattr(fused, f"{kind}_backward")
    out, *c_n, cache = forward(x, *state0, params)
    want_out, want_final, steps = kernel.cell_scan_forward(CELLS[kind], x, state0, params)
    np.testing.assert_array_equal(out, want_out)
    for got, want in zip((out[-1], *c_n), want_final):
        np.testing.assert_array_equal(got, want)
    dx, *dstate0, grads = backward(dout, *dfinal, cache)
    want_dx, want_dstate0, want = kernel.cell_scan_backward(CELLS[kind], dout, dfinal, steps)
    for got, expected in zip((dx, *dstate0), (want_dx, *want_dstate0)):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(grads, want):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.max(np.abs(expected)))


@pytest.mark.parametrize("kind", GATES)
def test_torch_suite_fused_equals_step_path_and_reads_its_cache_with_a_mistake_on(kind):
    from oracle import torch_suite
    x, state0, params, dout, dfinal = kernel_layout_problem(kind)
    forward, backward = getattr(torch_suite, f"{kind}_forward"), getattr(torch_suite, f"{kind}_backward")
    *fast, cache = forward(x, *state0, *params, return_cache=True)
    fast_grads = backward(dout, *dfinal, cache)
    with switched_on(*UNRELATED):
        *slow, slow_cache = forward(x, *state0, *params, return_cache=True)
        slow_grads = backward(dout, *dfinal, slow_cache)
        from_fused_cache = backward(dout, *dfinal, cache)
    assert isinstance(cache.steps, (fused.RNNSequence, fused.LSTMSequence)) and isinstance(slow_cache.steps, list)
    states = len(state0)
    for got, want in zip([*fast, *fast_grads[:1 + states]], [*slow, *slow_grads[:1 + states]]):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(fast_grads[1 + states:], slow_grads[1 + states:]):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * np.max(np.abs(want)))
    for got, want in zip(from_fused_cache, slow_grads):
        np.testing.assert_array_equal(got, want)
