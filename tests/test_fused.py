"""oracle.fused, the LSTM scan with every switch off, against the step-by-step kernel path it replaces.

The step path is forced by switching on a mistake the LSTM never reads ("softmax-axis"): the same
formulas, one step at a time. h, dx and dh0 must be the same bits; the weight and bias gradients,
summed in one product instead of per step, equal to rounding. A mistake that does touch the LSTM
must still change the outputs (the fast path must not swallow the switches), and a backward with a
mistake on must read a fused forward's cache step by step as it reads the list of step caches.
"""

from __future__ import annotations

import numpy as np
import pytest

from oracle import cs231n, fused, kernel
from oracle.mistakes import switched_on

UNRELATED = ("softmax-axis", "vocab-all")  # read only by the losses: switches the LSTM onto the step path


def draw(n: int, t: int, d: int, h: int, dtype: type = np.float64) -> tuple:
    rng = np.random.RandomState(7)
    return tuple(a.astype(dtype) for a in (rng.randn(n, t, d), rng.randn(n, h), rng.randn(d, 4 * h) / 2,
                                           rng.randn(h, 4 * h) / 2, rng.randn(4 * h), rng.randn(n, t, h)))


def both_paths(x, h0, Wx, Wh, b, dh) -> tuple[tuple, tuple, object]:
    h, cache = cs231n.lstm_forward(x, h0, Wx, Wh, b)
    fast = (h, *cs231n.lstm_backward(dh, cache))
    with switched_on(*UNRELATED):
        h2, cache2 = cs231n.lstm_forward(x, h0, Wx, Wh, b)
        slow = (h2, *cs231n.lstm_backward(dh, cache2))
    assert isinstance(cache2, list) and not isinstance(cache, list), "each path was not the one asked for"
    return fast, slow, cache


@pytest.mark.parametrize("dims", [(3, 5, 4, 6), (2, 1, 3, 2), (8, 7, 5, 16)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cs231n_lstm_fused_equals_step_path(dims, dtype):
    fast, slow, _ = both_paths(*draw(*dims, dtype))
    for name, got, want in zip(("h", "dx", "dh0"), fast, slow):
        assert got.dtype == want.dtype and got.shape == want.shape, name
        np.testing.assert_array_equal(got, want, err_msg=name)
    for name, got, want in zip(("dWx", "dWh", "db"), fast[3:], slow[3:]):
        assert got.dtype == want.dtype and got.shape == want.shape and got.flags.c_contiguous, name
        scale = np.max(np.abs(want))
        assert np.max(np.abs(got - want)) <= 50 * np.finfo(dtype).eps * scale * dims[1], name


@pytest.mark.parametrize("mistake", [("forget-gate-factor", "no-f"), ("index-offset", "cache-previous"),
                                     ("weights-vs-gradients", "dWh")])
def test_a_backward_mistake_reads_the_fused_cache_step_by_step(mistake):
    x, h0, Wx, Wh, b, dh = draw(3, 4, 5, 6)
    _, _, fused_cache = both_paths(x, h0, Wx, Wh, b, dh)
    with switched_on(*UNRELATED):
        _, list_cache = cs231n.lstm_forward(x, h0, Wx, Wh, b)
    with switched_on(*mistake):
        from_fused = cs231n.lstm_backward(dh, fused_cache)
        from_list = cs231n.lstm_backward(dh, list_cache)
    canonical = cs231n.lstm_backward(dh, fused_cache)
    for got, want in zip(from_fused, from_list):
        np.testing.assert_array_equal(got, want)
    assert any(not np.allclose(a, c) for a, c in zip(from_fused, canonical)), "the mistake changed nothing"


def test_a_forward_mistake_is_not_skipped_by_the_fast_path():
    x, h0, Wx, Wh, b, _ = draw(3, 4, 5, 6)
    h, _ = cs231n.lstm_forward(x, h0, Wx, Wh, b)
    with switched_on("gate-order", "ifgo"):
        h_mistaken, _ = cs231n.lstm_forward(x, h0, Wx, Wh, b)
    assert not np.allclose(h, h_mistaken)


def test_kernel_layout_time_major_with_final_state_gradients():
    """fused in the kernel's own layout (time first, blocks i, f, g, o) against kernel.cell_scan_*."""
    rng = np.random.RandomState(3)
    T, N, D, H = 6, 4, 3, 5
    x, h0, c0 = rng.randn(T, N, D), rng.randn(N, H), rng.randn(N, H)
    params = kernel.Params(rng.randn(4 * H, D), rng.randn(4 * H, H), rng.randn(4 * H), rng.randn(4 * H))
    dout, dh_n, dc_n = rng.randn(T, N, H), rng.randn(N, H), rng.randn(N, H)
    out, c_n, cache = fused.lstm_forward(x, h0, c0, params)
    want_out, (want_h, want_c), steps = kernel.cell_scan_forward(kernel.LSTM, x, (h0, c0), params)
    np.testing.assert_array_equal(out, want_out)
    np.testing.assert_array_equal(c_n, want_c)
    dx, dh0, dc0, grads = fused.lstm_backward(dout, dh_n, dc_n, cache)
    want_dx, (want_dh0, want_dc0), want = kernel.cell_scan_backward(kernel.LSTM, dout, (dh_n, dc_n), steps)
    for got, expected in ((dx, want_dx), (dh0, want_dh0), (dc0, want_dc0)):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(grads, want):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.max(np.abs(expected)))


def test_torch_suite_lstm_fused_equals_step_path_and_reads_its_cache_with_a_mistake_on():
    from oracle import torch_suite
    rng = np.random.RandomState(5)
    T, N, D, H = 5, 3, 4, 6
    inputs = (rng.randn(T, N, D), rng.randn(N, H), rng.randn(N, H), rng.randn(4 * H, D), rng.randn(4 * H, H),
              rng.randn(4 * H), rng.randn(4 * H))
    upstream = (rng.randn(T, N, H), rng.randn(N, H), rng.randn(N, H))
    *fast, cache = torch_suite.lstm_forward(*inputs, return_cache=True)
    fast_grads = torch_suite.lstm_backward(*upstream, cache)
    with switched_on(*UNRELATED):
        *slow, slow_cache = torch_suite.lstm_forward(*inputs, return_cache=True)
        slow_grads = torch_suite.lstm_backward(*upstream, slow_cache)
        from_fused_cache = torch_suite.lstm_backward(*upstream, cache)
    assert isinstance(cache.steps, fused.LSTMSequence) and isinstance(slow_cache.steps, list)
    for got, want in zip([*fast, *fast_grads[:3]], [*slow, *slow_grads[:3]]):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(fast_grads[3:], slow_grads[3:]):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * np.max(np.abs(want)))
    for got, want in zip(from_fused_cache, slow_grads):
        np.testing.assert_array_equal(got, want)
