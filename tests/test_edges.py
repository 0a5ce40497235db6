"""Numerical edges: logits and pre-activations of +-1000, repeated indices, the loss mask.

pytest turns warnings into errors (pyproject), and ``np.errstate(**RAISE)`` makes overflow,
0/0 and log(0) raise even where NumPy would only set a flag. Underflow is allowed: for
x = -1000 the exact e^x = 5e-435 lies below the smallest subnormal, so 0.0 is the
correctly rounded result, and NumPy flags it as underflow however it is computed.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

from gradient_cases import TABLE, call_forward, draw_inputs, seed_of
from oracle import cs231n, dlai, numerics

RAISE = {"over": "raise", "divide": "raise", "invalid": "raise"}

SIGMOIDS = {"dlai.sigmoid": dlai.sigmoid, "cs231n.sigmoid": cs231n.sigmoid,
            "numerics.sigmoid": numerics.sigmoid}
COLUMN_SOFTMAXES = {"dlai.softmax": dlai.softmax,
                    "numerics.softmax": lambda x: numerics.softmax(x, axis=0)}


def exact_sigmoid(x: float) -> float:
    """Reference from Python floats, on the side where exp cannot overflow."""
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# ------------------------------------------------------------------------- sigmoid

@pytest.mark.parametrize("name", SIGMOIDS)
def test_sigmoid_is_exact_at_extremes(name):
    x = np.array([[-1000.0, -745.0, -709.0, -30.0, -1.0, 0.0],
                  [1e-300, 1.0, 30.0, 709.0, 745.0, 1000.0]])
    with np.errstate(**RAISE):
        s = SIGMOIDS[name](x)
    assert s.shape == x.shape and s.dtype == np.float64
    assert s[0, 0] == 0.0 and s[1, 5] == 1.0 and s[1, 4] == 1.0 and s[0, 5] == 0.5
    expected = np.vectorize(exact_sigmoid)(x)
    np.testing.assert_allclose(s, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", SIGMOIDS)
def test_sigmoid_is_symmetric_bounded_and_monotone(name):
    x = np.concatenate([np.linspace(-1000, 1000, 4001),
                        np.random.RandomState(0).standard_cauchy(2000) * 100])
    x.sort()
    with np.errstate(**RAISE):
        s, s_neg = SIGMOIDS[name](x), SIGMOIDS[name](-x)
    assert np.all((0.0 <= s) & (s <= 1.0))
    assert np.all(np.diff(s) >= 0)
    np.testing.assert_allclose(s + s_neg, 1.0, rtol=0, atol=2.3e-16)


# ------------------------------------------------------------------------- softmax

@pytest.mark.parametrize("name", COLUMN_SOFTMAXES)
def test_softmax_is_exact_at_extremes(name):
    softmax = COLUMN_SOFTMAXES[name]
    # One column per example; the all -1000 column catches a max taken over the whole array.
    x = np.array([[1000.0, -1000.0, 0.0, 1000.0],
                  [-1000.0, -1000.0, 0.0, 1000.0],
                  [0.0, -1000.0, 1000.0, -1000.0]])
    expected = np.array([[1.0, 1 / 3, 0.0, 0.5],
                         [0.0, 1 / 3, 0.0, 0.5],
                         [0.0, 1 / 3, 1.0, 0.0]])
    with np.errstate(**RAISE):
        np.testing.assert_array_equal(softmax(x), expected)
        np.testing.assert_array_equal(softmax(np.array([[1000.0], [1000.0]])), [[0.5], [0.5]])


@pytest.mark.parametrize("name", COLUMN_SOFTMAXES)
def test_softmax_columns_sum_to_one_and_ignore_a_shift(name):
    softmax = COLUMN_SOFTMAXES[name]
    rng = np.random.RandomState(1)
    x = rng.randn(6, 8) * 10
    shift = rng.randn(1, 8) * 1000  # a different shift per column
    with np.errstate(**RAISE):
        p, p_shifted, p_big = softmax(x), softmax(x + shift), softmax(x * 1000)
    for probs in (p, p_shifted, p_big):
        assert np.all(np.isfinite(probs)) and np.all(probs >= 0)
        np.testing.assert_allclose(probs.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(p_shifted, p, rtol=0, atol=1e-12)


# -------------------------------------------------------------- word embedding

def test_word_embedding_backward_accumulates_repeated_indices():
    rng = np.random.RandomState(2)
    x = np.array([[0, 0, 0], [0, 2, 0]])
    W = rng.randn(4, 3)
    dout = rng.randn(2, 3, 3)
    _, cache = cs231n.word_embedding_forward(x, W)
    dW = cs231n.word_embedding_backward(dout, cache)
    expected = np.zeros_like(W)
    for n in range(x.shape[0]):
        for t in range(x.shape[1]):
            expected[x[n, t]] += dout[n, t]
    np.testing.assert_allclose(dW[0], dout[x == 0].sum(axis=0), rtol=1e-14)  # 5 rows
    np.testing.assert_allclose(dW, expected, rtol=1e-14, atol=0)
    assert np.all(dW[[1, 3]] == 0.0)  # never looked up


# ------------------------------------------------------------ temporal softmax loss

def naive_temporal_softmax_loss(x, y, mask):
    """The definition, one position at a time: sum over unmasked (n, t), divided by N."""
    N, T, V = x.shape
    loss, dx = 0.0, np.zeros_like(x)
    for n in range(N):
        for t in range(T):
            if mask[n, t]:
                scores = x[n, t] - x[n, t].max()
                log_z = np.log(np.exp(scores).sum())
                loss -= scores[y[n, t]] - log_z
                dx[n, t] = np.exp(scores - log_z)
                dx[n, t, y[n, t]] -= 1.0
    return loss / N, dx / N


def loss_case(N, T, V, seed):
    """Scores, targets and a mask whose last sequence is all padding."""
    rng = np.random.RandomState(seed)
    mask = rng.rand(N, T) < 0.6
    mask[0, 0], mask[-1] = True, False
    return rng.randn(N, T, V) * 3, rng.randint(0, V, size=(N, T)), mask


# N, T and mask.sum() all differ (checked), so dividing by the wrong one shows.
@pytest.mark.parametrize("N, T, V, seed", [
    pytest.param(2, 5, 4, 1, id="N2-T5-V4"),
    pytest.param(4, 3, 6, 1, id="N4-T3-V6"),
    pytest.param(3, 7, 2, 1, id="N3-T7-V2"),
])
def test_temporal_softmax_loss_matches_naive_loop(N, T, V, seed):
    x, y, mask = loss_case(N, T, V, seed)
    assert len({N, T, int(mask.sum())}) == 3
    with np.errstate(**RAISE):
        loss, dx = cs231n.temporal_softmax_loss(x, y, mask)
    expected_loss, expected_dx = naive_temporal_softmax_loss(x, y, mask)
    assert loss == pytest.approx(expected_loss, rel=1e-13)
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-12, atol=1e-15)


def test_temporal_softmax_loss_ignores_masked_positions():
    x, y, mask = loss_case(3, 4, 5, seed=3)
    rng = np.random.RandomState(4)
    x2, y2 = x.copy(), y.copy()
    x2[~mask] = rng.randn(int((~mask).sum()), 5) * 1000  # wild logits where nothing counts
    y2[~mask] = (y2[~mask] + 1) % 5
    with np.errstate(**RAISE):
        loss, dx = cs231n.temporal_softmax_loss(x, y, mask)
        loss2, dx2 = cs231n.temporal_softmax_loss(x2, y2, mask)
    assert loss2 == loss
    np.testing.assert_array_equal(dx2, dx)
    assert np.all(dx[~mask] == 0.0) and np.all(dx[-1] == 0.0)  # the all-padding row
    nothing, dnothing = cs231n.temporal_softmax_loss(x, y, np.zeros_like(mask))
    assert nothing == 0.0 and np.all(dnothing == 0.0)


def test_temporal_softmax_loss_is_finite_for_logits_of_1000():
    N, T, V = 2, 3, 4
    x = np.full((N, T, V), -1000.0)
    x[..., 0] = 1000.0
    y = np.array([[0, 1, 1], [1, 0, 3]])  # target 0 is certain, any other costs 2000
    mask = np.array([[True, True, False], [True, True, True]])
    with np.errstate(**RAISE):
        loss, dx = cs231n.temporal_softmax_loss(x, y, mask)
    assert loss == 2000.0 * 3 / N
    expected_dx = np.zeros_like(x)
    expected_dx[..., 0] = mask / N
    n, t = np.nonzero(mask & (y != 0))
    expected_dx[n, t, y[n, t]] = -1.0 / N
    expected_dx[mask & (y == 0), 0] = 0.0
    np.testing.assert_array_equal(dx, expected_dx)


# -------------------------------------------------------------------- forwards

FORWARDS = [c for c in TABLE if c.forward.startswith(("rnn_", "lstm_"))]


@pytest.mark.parametrize("check", FORWARDS, ids=lambda c: f"{c.suite}.{c.forward}")
def test_forward_stays_finite_for_inputs_times_1000(check):
    dims = {"N": 3, "T": 4, "D": 5, "H": 6, "V": 7}
    inputs = draw_inputs(check, dims, np.random.RandomState(seed_of(check.forward)))
    big = {k: v * 1000 for k, v in inputs.items()}  # weights and biases too: pre-activations ~1e4
    with np.errstate(**RAISE):
        outputs = call_forward(check, importlib.import_module(f"oracle.{check.suite}"), big)
    for k, out in enumerate(outputs[:-1]):  # the last output is the cache
        assert np.all(np.isfinite(out)), f"output {k} of {check.forward} is not finite"
    # The hidden state (always output 0) is o * tanh(c) or tanh(.); c itself may grow.
    assert np.all(np.abs(outputs[0]) <= 1.0), f"hidden state of {check.forward} leaves [-1, 1]"
