"""The oracle reproduces every expected value the two courses published.

Each case rebuilds the course's own set-up and compares whole printed rows/arrays at the
printed precision (``assert_printed``). Sources, named in each row of the tables:

- ``dlai``: deeplearning.ai "Building your RNN step by step", corrected release. Set-up:
  ``np.random.seed(1)`` then ``randn`` draws in the notebook's order; drawn here from a local
  ``RandomState(1)``, which yields the same numbers. NumPy rows print 8 decimals; scalars
  were printed by Python 2 ``str()``, i.e. 12 significant digits (``PY2``).
- ``seed004``: shared/seeds/004_cdda05fe3e1c4363.txt, a Python 3 run of the same notebook
  (``repr``, up to 17 significant digits). Only values whose code path is correct in that
  copy; its dWaa is wrong (see ``test_seed004_dWaa_bug_is_not_reproduced``). Seeds 001,
  002, 000 and 003 print no values.
- ``cs231n``: RNN_Captioning / LSTM_Captioning notebooks, ``np.linspace`` set-ups and the
  ``expected_*`` literals (8 decimals), checked with the course's own ``rel_error`` too.
"""

from __future__ import annotations

import ast
import re
from functools import reduce
from operator import getitem

import numpy as np
import pytest

from oracle import cs231n, dlai

PY2 = 12  # significant digits of Python 2 str(float)
# Our matmul/sum order differs from the seed's np.dot order: full-precision reprs may be
# off by a few ulp of reassociation. Far below any printed precision.
SLACK_ULPS = 32


# ---------------------------------------------------------------------------- helpers

def parse_printed(printed: str) -> np.ndarray:
    """A printed numpy array (space separated) or a list literal, as a float array."""
    text = re.sub(r"(?<=[\d.\]])\s+(?=[-\d\[])", ",", printed.strip())
    return np.array(ast.literal_eval(text), dtype=float)


def printed_decimals(printed: str) -> int:
    """numpy prints every element of a row to the same precision, trimming trailing zeros."""
    return max(len(digits) for digits in re.findall(r"\.(\d*)", printed))


def assert_printed(actual, printed: str, sig: int | None = None) -> None:
    """Every element agrees with ``printed`` to within half a unit of its last printed digit.

    sig: the value was printed to this many significant digits (Python 2 str() trims trailing
    zeros, so the token alone understates the precision); default: decimals of the tokens.
    """
    expected = parse_printed(printed)
    actual = np.asarray(actual, dtype=float)
    assert actual.shape == expected.shape, f"shape {actual.shape}, printed {expected.shape}"
    if sig is None:
        half = np.full(expected.shape, 0.5 * 10.0 ** -printed_decimals(printed))
    else:
        half = 0.5 * 10.0 ** (np.floor(np.log10(np.abs(expected))) + 1 - sig)
    tol = half + SLACK_ULPS * np.spacing(np.abs(expected))
    excess = np.abs(actual - expected) - tol
    if np.any(excess > 0):
        i = tuple(int(k) for k in np.unravel_index(np.argmax(excess), expected.shape))
        pytest.fail(f"{np.count_nonzero(excess > 0)} of {expected.size} elements off; worst at "
                    f"index {i}: got {float(actual[i])!r}, printed {float(expected[i])!r} (tolerance {tol[i]:.1e})")


def rel_error(x, y):
    """cs231n's own check: max |x - y| / max(1e-8, |x| + |y|)."""
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


def rel_error_bound(printed: str) -> float:
    """The largest rel_error that rounding to the printed decimals alone can cause.

    |x - y| <= h (half a unit of the last digit) and |x| + |y| >= 2|y| - h. Printed zeros are
    left out (h / 1e-8 = 0.5 says nothing); assert_printed covers them.
    """
    expected = parse_printed(printed)
    h = 0.5 * 10.0 ** -printed_decimals(printed)
    nonzero = np.abs(expected[expected != 0])
    return float(np.max(h / np.maximum(1e-8, 2 * nonzero - h)))


def draw(rng: np.random.RandomState, shapes: dict) -> dict:
    """randn draws in the dict's order (the notebook's order), one per name."""
    return {name: rng.randn(*shape) for name, shape in shapes.items()}


# ------------------------------------------------------------------------ dlai set-ups

RNN_W_FORWARD = {"Waa": (5, 5), "Wax": (5, 3), "Wya": (2, 5), "ba": (5, 1), "by": (2, 1)}
# The corrected backward cells draw Wax before Waa: other numbers, other published values.
RNN_W_BACKWARD = {"Wax": (5, 3), "Waa": (5, 5), "Wya": (2, 5), "ba": (5, 1), "by": (2, 1)}
# Gate weights act on concat = [a_prev; xt]: (n_a, n_a + n_x) = (5, 8).
LSTM_W_GATES = {"Wf": (5, 8), "bf": (5, 1), "Wi": (5, 8), "bi": (5, 1),
                "Wo": (5, 8), "bo": (5, 1), "Wc": (5, 8), "bc": (5, 1)}
LSTM_W_OUT = {"Wy": (2, 5), "by": (2, 1)}


def rnn_cell_forward(rng, weights=RNN_W_FORWARD):
    d = draw(rng, {"xt": (3, 10), "a_prev": (5, 10)})
    a_next, yt_pred, cache = dlai.rnn_cell_forward(d["xt"], d["a_prev"], draw(rng, weights))
    return {"a_next": a_next, "yt_pred": yt_pred, "cache": cache}


def rnn_forward(rng, weights=RNN_W_FORWARD):
    d = draw(rng, {"x": (3, 10, 4), "a0": (5, 10)})
    a, y_pred, caches = dlai.rnn_forward(d["x"], d["a0"], draw(rng, weights))
    return {"a": a, "y_pred": y_pred, "caches": caches}


def lstm_cell_forward(rng):
    d = draw(rng, {"xt": (3, 10), "a_prev": (5, 10), "c_prev": (5, 10)})
    parameters = draw(rng, LSTM_W_GATES | LSTM_W_OUT)
    a_next, c_next, yt, cache = dlai.lstm_cell_forward(d["xt"], d["a_prev"], d["c_prev"], parameters)
    return {"a_next": a_next, "c_next": c_next, "yt": yt, "cache": cache}


def lstm_forward(rng, draw_output_weights=True):
    d = draw(rng, {"x": (3, 10, 7), "a0": (5, 10)})
    parameters = draw(rng, LSTM_W_GATES)
    if draw_output_weights:
        parameters |= draw(rng, LSTM_W_OUT)
    else:  # lstm_backward's set-up: Wy, by are zeros, not drawn
        parameters |= {name: np.zeros(shape) for name, shape in LSTM_W_OUT.items()}
    a, y, c, caches = dlai.lstm_forward(d["x"], d["a0"], parameters)
    return {"a": a, "y": y, "c": c, "caches": caches}


def rnn_cell_backward(rng):
    cache = rnn_cell_forward(rng, RNN_W_BACKWARD)["cache"]
    return dlai.rnn_cell_backward(rng.randn(5, 10), cache)


def rnn_backward(rng):
    caches = rnn_forward(rng, RNN_W_BACKWARD)["caches"]
    return dlai.rnn_backward(rng.randn(5, 10, 4), caches)


def lstm_cell_backward(rng):
    cache = lstm_cell_forward(rng)["cache"]
    da_next, dc_next = rng.randn(5, 10), rng.randn(5, 10)
    return dlai.lstm_cell_backward(da_next, dc_next, cache)


def lstm_backward(rng):
    caches = lstm_forward(rng, draw_output_weights=False)["caches"]
    return dlai.lstm_backward(rng.randn(5, 10, 4), caches)  # T = 4 from da, x has 7 steps


DLAI_SETUPS = {f.__name__: f for f in (
    rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward,
    rnn_cell_backward, rnn_backward, lstm_cell_backward, lstm_backward)}


def dlai_run(function: str) -> dict:
    return DLAI_SETUPS[function](np.random.RandomState(1))


# (source, function, index path into its outputs, printed, significant digits or None)
DLAI_PUBLISHED = [
    ("dlai", "rnn_cell_forward", ("a_next", 4), "[ 0.59584544  0.18141802  0.61311866  0.99808218  0.85016201  0.99980978 -0.18887155  0.99815551  0.6531151   0.82872037]", None),
    ("dlai", "rnn_cell_forward", ("yt_pred", 1), "[0.9888161  0.01682021 0.21140899 0.36817467 0.98988387 0.88945212 0.36920224 0.9966312  0.9982559  0.17746526]", None),
    ("dlai", "rnn_forward", ("a", 4, 1), "[-0.99999375  0.77911235 -0.99861469 -0.99833267]", None),
    ("dlai", "rnn_forward", ("y_pred", 1, 3), "[0.79560373 0.86224861 0.11118257 0.81515947]", None),
    ("dlai", "rnn_forward", ("caches", 1, 1, 3), "[-1.1425182  -0.34934272 -0.20889423  0.58662319]", None),
    ("dlai", "lstm_cell_forward", ("a_next", 4), "[-0.66408471  0.0036921   0.02088357  0.22834167 -0.85575339  0.00138482  0.76566531  0.34631421 -0.00215674  0.43827275]", None),
    ("dlai", "lstm_cell_forward", ("c_next", 2), "[ 0.63267805  1.00570849  0.35504474  0.20690913 -1.64566718  0.11832942  0.76449811 -0.0981561  -0.74348425 -0.26810932]", None),
    ("dlai", "lstm_cell_forward", ("yt", 1), "[0.79913913 0.15986619 0.22412122 0.15606108 0.97057211 0.31146381 0.00943007 0.12666353 0.39380172 0.07828381]", None),
    ("dlai", "lstm_cell_forward", ("cache", 1, 3), "[-0.16263996  1.03729328  0.72938082 -0.54101719  0.02752074 -0.30821874  0.07651101 -1.03752894  1.41219977 -0.37647422]", None),
    ("dlai", "lstm_forward", ("a", 4, 3, 6), "0.172117767533", PY2),
    ("dlai", "lstm_forward", ("y", 1, 4, 3), "0.95087346185", PY2),
    ("dlai", "lstm_forward", ("caches", 1, 1, 1), "[ 0.82797464  0.23009474  0.76201118 -0.22232814 -0.20075807  0.18656139  0.41005165]", None),
    ("dlai", "lstm_forward", ("c", 1, 2, 1), "-0.855544916718", PY2),
    ("seed004", "lstm_forward", ("a", 4, 3, 6), "0.17211776753291672", None),
    ("seed004", "lstm_forward", ("y", 1, 4, 3), "0.9508734618501101", None),
    ("seed004", "lstm_forward", ("c", 1, 2, 1), "-0.8555449167181981", None),
    ("dlai", "rnn_cell_backward", ("dxt", 1, 2), "-1.3872130506", PY2),
    ("dlai", "rnn_cell_backward", ("da_prev", 2, 3), "-0.152399493774", PY2),
    ("dlai", "rnn_cell_backward", ("dWax", 3, 1), "0.410772824935", PY2),
    ("dlai", "rnn_cell_backward", ("dWaa", 1, 2), "1.15034506685", PY2),
    ("dlai", "rnn_cell_backward", ("dba", 4), "[0.20023491]", None),
    ("seed004", "rnn_cell_backward", ("dxt", 1, 2), "-1.3872130506020928", None),
    ("seed004", "rnn_cell_backward", ("da_prev", 2, 3), "-0.15239949377395473", None),
    ("seed004", "rnn_cell_backward", ("dWax", 3, 1), "0.41077282493545836", None),
    ("dlai", "rnn_backward", ("dx", 1, 2), "[-2.07101689 -0.59255627  0.02466855  0.01483317]", None),
    ("dlai", "rnn_backward", ("da0", 2, 3), "-0.314942375127", PY2),
    ("dlai", "rnn_backward", ("dWax", 3, 1), "11.2641044965", PY2),
    ("dlai", "rnn_backward", ("dWaa", 1, 2), "2.30333312658", PY2),
    ("dlai", "rnn_backward", ("dba", 4), "[-0.74747722]", None),
    ("seed004", "rnn_backward", ("da0", 2, 3), "-0.31494237512664996", None),
    ("seed004", "rnn_backward", ("dWax", 3, 1), "11.264104496527777", None),
    ("dlai", "lstm_cell_backward", ("dxt", 1, 2), "3.23055911511", PY2),
    ("dlai", "lstm_cell_backward", ("da_prev", 2, 3), "-0.0639621419711", PY2),
    ("dlai", "lstm_cell_backward", ("dc_prev", 2, 3), "0.797522038797", PY2),
    ("dlai", "lstm_cell_backward", ("dWf", 3, 1), "-0.147954838164", PY2),
    ("dlai", "lstm_cell_backward", ("dWi", 1, 2), "1.05749805523", PY2),
    ("dlai", "lstm_cell_backward", ("dWc", 3, 1), "2.30456216369", PY2),
    ("dlai", "lstm_cell_backward", ("dWo", 1, 2), "0.331311595289", PY2),
    ("dlai", "lstm_cell_backward", ("dbf", 4), "[0.18864637]", None),
    ("dlai", "lstm_cell_backward", ("dbi", 4), "[-0.40142491]", None),
    ("dlai", "lstm_cell_backward", ("dbc", 4), "[0.25587763]", None),
    ("dlai", "lstm_cell_backward", ("dbo", 4), "[0.13893342]", None),
    ("dlai", "lstm_backward", ("dx", 1, 2), "[ 0.00218254  0.28205375 -0.48292508 -0.43281115]", None),
    ("dlai", "lstm_backward", ("da0", 2, 3), "0.312770310257", PY2),
    ("dlai", "lstm_backward", ("dWf", 3, 1), "-0.0809802310938", PY2),
    ("dlai", "lstm_backward", ("dWi", 1, 2), "0.40512433093", PY2),
    ("dlai", "lstm_backward", ("dWc", 3, 1), "-0.0793746735512", PY2),
    ("dlai", "lstm_backward", ("dWo", 1, 2), "0.038948775763", PY2),
    ("dlai", "lstm_backward", ("dbf", 4), "[-0.15745657]", None),
    ("dlai", "lstm_backward", ("dbi", 4), "[-0.50848333]", None),
    ("dlai", "lstm_backward", ("dbc", 4), "[-0.42510818]", None),
    ("dlai", "lstm_backward", ("dbo", 4), "[-0.17958196]", None),
]


def _path_id(path) -> str:
    return path[0] + "".join(f"[{i}]" for i in path[1:])


@pytest.mark.parametrize(
    "source, function, path, printed, sig", DLAI_PUBLISHED,
    ids=[f"{f}-{_path_id(p)}-{s}" for s, f, p, _, _ in DLAI_PUBLISHED])
def test_dlai_published(source, function, path, printed, sig):
    assert_printed(reduce(getitem, path, dlai_run(function)), printed, sig)


# The notebook also printed len(caches) / len(cache): the cache layouts are contract.
@pytest.mark.parametrize("function, name, length", [
    ("rnn_forward", "caches", 2), ("lstm_cell_forward", "cache", 10), ("lstm_forward", "caches", 2)])
def test_dlai_published_cache_lengths(function, name, length):
    assert len(dlai_run(function)[name]) == length


def _with_seed004_bug(rnn_cell_backward):
    """rnn_cell_backward as seed 004 wrote it: dWaa = dz da_prev^T instead of dz a_prev^T."""
    def buggy(da_next, cache):
        grads = rnn_cell_backward(da_next, cache)
        dz = da_next * (1 - cache[0] ** 2)  # cache[0] is a_next
        return {**grads, "dWaa": dz @ grads["da_prev"].T}
    return buggy


@pytest.mark.parametrize("function, seed004_printed, course_printed", [
    ("rnn_cell_backward", "1.0470184237718851", "1.15034506685"),
    ("rnn_backward", "5.6088427884141385", "2.30333312658")])
def test_seed004_dWaa_bug_is_not_reproduced(function, seed004_printed, course_printed, monkeypatch):
    # Seed 004 prints dWaa[1][2] from `np.dot(dtanh, da_prev.T)`: a real bug in that copy.
    # The oracle gives the corrected course's value and is nowhere near the seed's.
    dWaa = dlai_run(function)["dWaa"][1][2]
    assert_printed(dWaa, course_printed, PY2)
    assert abs(dWaa - float(seed004_printed)) > 0.1
    # Injecting exactly that bug reproduces the seed's number on the same inputs: the
    # disagreement is the bug, not a different set-up. (rnn_backward calls the patched cell.)
    monkeypatch.setattr(dlai, "rnn_cell_backward", _with_seed004_bug(dlai.rnn_cell_backward))
    assert_printed(dlai_run(function)["dWaa"][1][2], seed004_printed)


# ---------------------------------------------------------------------------- cs231n

# Inputs in argument order: (lo, hi, shape) means np.linspace(lo, hi, num=size).reshape(shape).
CS231N_INPUTS = {
    # N, D, H = 3, 10, 4
    "rnn_step_forward": [(-0.4, 0.7, (3, 10)), (-0.2, 0.5, (3, 4)), (-0.1, 0.9, (10, 4)),
                         (-0.3, 0.7, (4, 4)), (-0.2, 0.4, (4,))],
    # N, T, D, H = 2, 3, 4, 5
    "rnn_forward": [(-0.1, 0.3, (2, 3, 4)), (-0.3, 0.1, (2, 5)), (-0.2, 0.4, (4, 5)),
                    (-0.4, 0.1, (5, 5)), (-0.7, 0.1, (5,))],
    # N, D, H = 3, 4, 5
    "lstm_step_forward": [(-0.4, 1.2, (3, 4)), (-0.3, 0.7, (3, 5)), (-0.4, 0.9, (3, 5)),
                          (-2.1, 1.3, (4, 20)), (-0.7, 2.2, (5, 20)), (0.3, 0.7, (20,))],
    # N, D, H, T = 2, 5, 4, 3
    "lstm_forward": [(-0.4, 0.6, (2, 3, 5)), (-0.4, 0.8, (2, 4)), (-0.2, 0.9, (5, 16)),
                     (-0.3, 0.6, (4, 16)), (0.2, 0.7, (16,))],
    # N, T, V, D = 2, 4, 5, 3: integer indices as given, W = linspace(0, 1)
    "word_embedding_forward": [np.asarray([[0, 3, 1, 2], [2, 1, 0, 3]]), (0, 1, (5, 3))],
}


def cs231n_inputs(function: str) -> list:
    return [spec if isinstance(spec, np.ndarray)
            else np.linspace(spec[0], spec[1], num=int(np.prod(spec[2]))).reshape(spec[2])
            for spec in CS231N_INPUTS[function]]


# (function, output name, index in the returned tuple, the course's expected_* literal)
CS231N_PUBLISHED = [
    ("rnn_step_forward", "next_h", 0, """[
        [-0.58172089, -0.50182032, -0.41232771, -0.31410098],
        [ 0.66854692,  0.79562378,  0.87755553,  0.92795967],
        [ 0.97934501,  0.99144213,  0.99646691,  0.99854353]]"""),
    ("rnn_forward", "h", 0, """[
        [[-0.42070749, -0.27279261, -0.11074945,  0.05740409,  0.22236251],
         [-0.39525808, -0.22554661, -0.0409454,   0.14649412,  0.32397316],
         [-0.42305111, -0.24223728, -0.04287027,  0.15997045,  0.35014525]],
        [[-0.55857474, -0.39065825, -0.19198182,  0.02378408,  0.23735671],
         [-0.27150199, -0.07088804,  0.13562939,  0.33099728,  0.50158768],
         [-0.51014825, -0.30524429, -0.06755202,  0.17806392,  0.40333043]]]"""),
    ("lstm_step_forward", "next_h", 0, """[
        [ 0.24635157,  0.28610883,  0.32240467,  0.35525807,  0.38474904],
        [ 0.49223563,  0.55611431,  0.61507696,  0.66844003,  0.7159181 ],
        [ 0.56735664,  0.66310127,  0.74419266,  0.80889665,  0.858299  ]]"""),
    ("lstm_step_forward", "next_c", 1, """[
        [ 0.32986176,  0.39145139,  0.451556,    0.51014116,  0.56717407],
        [ 0.66382255,  0.76674007,  0.87195994,  0.97902709,  1.08751345],
        [ 0.74192008,  0.90592151,  1.07717006,  1.25120233,  1.42395676]]"""),
    ("lstm_forward", "h", 0, """[
        [[ 0.01764008,  0.01823233,  0.01882671,  0.0194232 ],
         [ 0.11287491,  0.12146228,  0.13018446,  0.13902939],
         [ 0.31358768,  0.33338627,  0.35304453,  0.37250975]],
        [[ 0.45767879,  0.4761092,   0.4936887,   0.51041945],
         [ 0.6704845,   0.69350089,  0.71486014,  0.7346449 ],
         [ 0.81733511,  0.83677871,  0.85403753,  0.86935314]]]"""),
    ("word_embedding_forward", "out", 0, """[
        [[ 0.,          0.07142857,  0.14285714],
         [ 0.64285714,  0.71428571,  0.78571429],
         [ 0.21428571,  0.28571429,  0.35714286],
         [ 0.42857143,  0.5,         0.57142857]],
        [[ 0.42857143,  0.5,         0.57142857],
         [ 0.21428571,  0.28571429,  0.35714286],
         [ 0.,          0.07142857,  0.14285714],
         [ 0.64285714,  0.71428571,  0.78571429]]]"""),
]


@pytest.mark.parametrize("function, name, index, printed", CS231N_PUBLISHED,
                         ids=[f"{f}-{n}" for f, n, _, _ in CS231N_PUBLISHED])
def test_cs231n_published(function, name, index, printed):
    actual = getattr(cs231n, function)(*cs231n_inputs(function))[index]
    assert_printed(actual, printed)
    # The course's own check, with the threshold its 8 printed decimals can honestly meet
    # (up to ~1.4e-7 for 0.0176...; the course's blanket "~1e-8" is only typical).
    assert rel_error(parse_printed(printed), actual) <= rel_error_bound(printed)


def test_cs231n_word_embedding_is_an_exact_lookup():
    # A lookup does no arithmetic: out[n, t] must be W[x[n, t]] bit for bit.
    x, W = cs231n_inputs("word_embedding_forward")
    out, _ = cs231n.word_embedding_forward(x, W)
    expected = np.array([[W[v] for v in row] for row in x])
    assert out.shape == expected.shape and np.array_equal(out, expected)


@pytest.mark.parametrize("seed", [1, 231])
def test_cs231n_temporal_softmax_loss_sanity(seed):
    # The course's check_loss, three calls from one random stream in the notebook's order.
    # x ~ 0.001 randn makes every softmax ~uniform, so each unmasked step costs ~log(V) and
    # loss ~ log(V) * (number of unmasked steps) / N, about log(V) * T * p ("2.3, 23, 2.3").
    rng = np.random.RandomState(seed)
    for (N, T, V, p), about in [((100, 1, 10, 1.0), 2.3), ((100, 10, 10, 1.0), 23),
                                ((5000, 10, 10, 0.1), 2.3)]:
        x = 0.001 * rng.randn(N, T, V)
        y = rng.randint(V, size=(N, T))
        mask = rng.rand(N, T) <= p
        loss, _ = cs231n.temporal_softmax_loss(x, y, mask)
        # Given the mask, the only spread is x's: |log softmax + log V| <~ 0.005 per step,
        # averaging out further; 1e-3 relative is a loose, honest bound.
        assert loss == pytest.approx(np.log(V) * mask.sum() / N, rel=1e-3)
        # Against the course's "about" value, the mask's count also varies: its relative
        # std is sqrt((1 - p) / (p N T)) (1.3% for p = 0.1); allow 5 sigma, and log(10) =
        # 2.3026 vs the printed 2.3 (0.12%) within the 1e-3 above plus rounding of "about".
        tolerance = 5 * np.sqrt((1 - p) / (p * N * T)) + 2e-3
        assert loss == pytest.approx(about, rel=tolerance)
