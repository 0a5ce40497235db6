"""Which gradient belongs to which input: the gradient-check table of both suites, as data.

One ``GradientCheck`` per backward function says how to call its forward, which
forward outputs the backward receives upstream gradients for (and in which order), and
which returned gradient is the derivative with respect to which input. ``run_check``
turns a row, a set of dims and a module (the oracle or a student's) into pairs
(backward's gradient, central finite differences) ready to compare.

Dims are named once, for both suites: N batch, T time, D input features, H hidden units,
V outputs / vocabulary; each suite's own symbols (``n_a``, ``m``, ``M`` ...) alias them.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from conformance.judging.gradients.numerical import numerical_gradient, upstream_loss
from conformance.contract.shapes import resolve, symbols_in

__all__ = ["Draw", "GradientCheck", "GradientPair", "TABLE", "DIMS",
           "cases", "case_id", "seed_of", "draw_inputs", "call_forward", "run_check"]

CANONICAL = ("N", "T", "D", "H", "V")
ALIASES: dict[str, dict[str, str]] = {
    "dlai": {"m": "N", "T_x": "T", "n_x": "D", "n_a": "H", "n_y": "V"},
    "cs231n": {"M": "V"},
}

# A typical case, then each dimension at 1 (the classic broadcasting / squeeze traps).
DIMS: tuple[dict[str, int], ...] = (
    {"N": 3, "T": 4, "D": 5, "H": 6, "V": 7},
    {"N": 1, "T": 3, "D": 4, "H": 5, "V": 3},
    {"N": 2, "T": 1, "D": 3, "H": 4, "V": 5},
    {"N": 2, "T": 3, "D": 1, "H": 4, "V": 3},
    {"N": 3, "T": 2, "D": 4, "H": 1, "V": 2},
    {"N": 1, "T": 1, "D": 1, "H": 1, "V": 2},
)


@dataclass(frozen=True)
class Draw:
    """How to draw one input: ``array`` randn, ``int_array`` in [0, ``high``), ``bool_mask``."""

    shape: tuple[int | str, ...]
    kind: str = "array"
    high: str = ""  # dim symbol bounding an int_array


@dataclass(frozen=True)
class GradientCheck:
    """One backward function and the forward it differentiates.

    args: forward's positional arguments, in order. params: the dlai ``parameters`` dict,
    passed after ``args``. outputs: positions of the forward outputs whose upstream
    gradients the backward takes, in the backward's argument order (the forward's last
    output, the cache, follows them). backward None: the forward returns
    ``(loss, *gradients)`` itself. grads: (returned gradient, input it belongs to), in
    return order; a dict return is read by key, a tuple by position.
    """

    suite: str
    forward: str
    backward: str | None
    args: Mapping[str, Draw]
    grads: tuple[tuple[str, str], ...]
    params: Mapping[str, Draw] = field(default_factory=dict)
    outputs: tuple[int, ...] = (0,)

    @property
    def name(self) -> str:
        return self.backward or self.forward


def _a(*shape: int | str) -> Draw:
    return Draw(tuple(shape))


_RNN_PARAMS = {"Wax": _a("n_a", "n_x"), "Waa": _a("n_a", "n_a"), "Wya": _a("n_y", "n_a"),
               "ba": _a("n_a", 1), "by": _a("n_y", 1)}
_RNN_GRADS = (("dWax", "Wax"), ("dWaa", "Waa"), ("dba", "ba"))
_GATES = "fico"
_LSTM_PARAMS = {**{k + g: _a("n_a", "n_a+n_x") if k == "W" else _a("n_a", 1)
                   for g in _GATES for k in "Wb"},
                "Wy": _a("n_y", "n_a"), "by": _a("n_y", 1)}
_LSTM_GRADS = tuple(("dW" + g, "W" + g) for g in _GATES) + tuple(("db" + g, "b" + g) for g in _GATES)
_CS_RNN_W = {"Wx": _a("D", "H"), "Wh": _a("H", "H"), "b": _a("H")}
_CS_LSTM_W = {"Wx": _a("D", "4*H"), "Wh": _a("H", "4*H"), "b": _a("4*H")}
_CS_W_GRADS = (("dWx", "Wx"), ("dWh", "Wh"), ("db", "b"))

TABLE: tuple[GradientCheck, ...] = (
    GradientCheck("dlai", "rnn_cell_forward", "rnn_cell_backward",
                  {"xt": _a("n_x", "m"), "a_prev": _a("n_a", "m")},
                  (("dxt", "xt"), ("da_prev", "a_prev"), *_RNN_GRADS), _RNN_PARAMS),
    GradientCheck("dlai", "rnn_forward", "rnn_backward",
                  {"x": _a("n_x", "m", "T_x"), "a0": _a("n_a", "m")},
                  (("dx", "x"), ("da0", "a0"), *_RNN_GRADS), _RNN_PARAMS),
    GradientCheck("dlai", "lstm_cell_forward", "lstm_cell_backward",
                  {"xt": _a("n_x", "m"), "a_prev": _a("n_a", "m"), "c_prev": _a("n_a", "m")},
                  (("dxt", "xt"), ("da_prev", "a_prev"), ("dc_prev", "c_prev"), *_LSTM_GRADS),
                  _LSTM_PARAMS, outputs=(0, 1)),
    GradientCheck("dlai", "lstm_forward", "lstm_backward",
                  {"x": _a("n_x", "m", "T_x"), "a0": _a("n_a", "m")},
                  (("dx", "x"), ("da0", "a0"), *_LSTM_GRADS), _LSTM_PARAMS),
    GradientCheck("cs231n", "rnn_step_forward", "rnn_step_backward",
                  {"x": _a("N", "D"), "prev_h": _a("N", "H"), **_CS_RNN_W},
                  (("dx", "x"), ("dprev_h", "prev_h"), *_CS_W_GRADS)),
    GradientCheck("cs231n", "rnn_forward", "rnn_backward",
                  {"x": _a("N", "T", "D"), "h0": _a("N", "H"), **_CS_RNN_W},
                  (("dx", "x"), ("dh0", "h0"), *_CS_W_GRADS)),
    GradientCheck("cs231n", "lstm_step_forward", "lstm_step_backward",
                  {"x": _a("N", "D"), "prev_h": _a("N", "H"), "prev_c": _a("N", "H"), **_CS_LSTM_W},
                  (("dx", "x"), ("dprev_h", "prev_h"), ("dprev_c", "prev_c"), *_CS_W_GRADS),
                  outputs=(0, 1)),
    GradientCheck("cs231n", "lstm_forward", "lstm_backward",
                  {"x": _a("N", "T", "D"), "h0": _a("N", "H"), **_CS_LSTM_W},
                  (("dx", "x"), ("dh0", "h0"), *_CS_W_GRADS)),
    GradientCheck("cs231n", "word_embedding_forward", "word_embedding_backward",
                  {"x": Draw(("N", "T"), "int_array", "V"), "W": _a("V", "D")},
                  (("dW", "W"),)),
    GradientCheck("cs231n", "temporal_affine_forward", "temporal_affine_backward",
                  {"x": _a("N", "T", "D"), "w": _a("D", "M"), "b": _a("M")},
                  (("dx", "x"), ("dw", "w"), ("db", "b"))),
    GradientCheck("cs231n", "temporal_softmax_loss", None,
                  {"x": _a("N", "T", "V"), "y": Draw(("N", "T"), "int_array", "V"),
                   "mask": Draw(("N", "T"), "bool_mask")},
                  (("dx", "x"),)),
)


@dataclass(frozen=True)
class GradientPair:
    """The backward's gradient for ``input`` next to its finite-difference estimate.

    returned False: the backward returns no gradient for ``input`` (``got`` is zeros), so
    the loss must not depend on it — this is what keeps the table complete.
    """

    name: str
    input: str
    got: np.ndarray
    expected: np.ndarray
    returned: bool = True


def _suite_dims(check: GradientCheck, dims: Mapping[str, int]) -> dict[str, int]:
    return {**dims, **{alias: dims[c] for alias, c in ALIASES[check.suite].items()}}


def _used_dims(check: GradientCheck) -> list[str]:
    symbols: set[str] = set()
    for draw in (*check.args.values(), *check.params.values()):
        symbols |= symbols_in(draw.shape) | ({draw.high} if draw.high else set())
    canonical = {ALIASES[check.suite].get(s, s) for s in symbols}
    return [c for c in CANONICAL if c in canonical]


def case_id(check: GradientCheck, dims: Mapping[str, int]) -> str:
    """``dlai.lstm_backward-N1-T1-D3-H2``: only the dims the function uses."""
    return f"{check.suite}.{check.name}-" + "-".join(f"{d}{dims[d]}" for d in _used_dims(check))


def cases() -> list[tuple[str, GradientCheck, dict[str, int]]]:
    """Every (id, row, dims) of the table, dims that a function does not use deduplicated."""
    found: dict[str, tuple[str, GradientCheck, dict[str, int]]] = {}
    for check in TABLE:
        for dims in DIMS:
            found.setdefault(case_id(check, dims), (case_id(check, dims), check, dims))
    return list(found.values())


def seed_of(case: str) -> int:
    """A seed that depends only on the case id (stable across runs and machines)."""
    return zlib.crc32(case.encode())


def draw_inputs(check: GradientCheck, dims: Mapping[str, int],
                rng: np.random.RandomState) -> dict[str, np.ndarray]:
    """Fresh inputs for one case, arguments then parameters, in table order."""
    sized = _suite_dims(check, dims)
    inputs: dict[str, np.ndarray] = {}
    for name, draw in {**check.args, **check.params}.items():
        shape = resolve(draw.shape, sized)
        if draw.kind == "int_array":
            inputs[name] = rng.randint(0, sized[draw.high], size=shape)
        elif draw.kind == "bool_mask":
            mask = rng.rand(*shape) < 0.7
            mask[(0,) * len(shape)] = True  # something to learn from
            if shape[0] > 1:
                mask[-1] = False  # a whole padded sequence
            inputs[name] = mask
        else:
            inputs[name] = rng.randn(*shape)
    return inputs


def call_forward(check: GradientCheck, module: ModuleType, inputs: Mapping[str, np.ndarray]) -> Any:
    """``module``'s forward on ``inputs``; dlai parameters go in one dict, after the arguments."""
    args: list[Any] = [inputs[name] for name in check.args]
    if check.params:
        args.append({name: inputs[name] for name in check.params})
    return getattr(module, check.forward)(*args)


def _by_name(check: GradientCheck, returned: Any) -> dict[str, Any]:
    if isinstance(returned, Mapping):
        return dict(returned)
    if not isinstance(returned, tuple):
        returned = (returned,)
    return {name: value for (name, _), value in zip(check.grads, returned)}


def run_check(check: GradientCheck, dims: Mapping[str, int], module: ModuleType,
              seed: int, h: float = 1e-5) -> list[GradientPair]:
    """Call ``module``'s forward and backward on one case; pair each gradient with finite differences.

    Upstream gradients are drawn with randn, after the inputs, from the same
    ``RandomState(seed)``. Inputs no returned gradient belongs to come last, with zeros.
    """
    rng = np.random.RandomState(seed)
    inputs = draw_inputs(check, dims, rng)

    def run() -> Any:
        return call_forward(check, module, inputs)

    outputs = run()
    if check.backward is None:
        returned = outputs[1:]

        def loss() -> float:
            return float(run()[0])
    else:
        upstream = [rng.randn(*np.shape(outputs[k])) for k in check.outputs]
        # Copies: a backward that writes into its upstream gradient must not change the loss.
        returned = getattr(module, check.backward)(*[u.copy() for u in upstream], outputs[-1])

        def loss() -> float:
            out = run()
            return upstream_loss([out[k] for k in check.outputs], upstream)

    got = _by_name(check, returned)
    pairs = [GradientPair(name, source, np.array(got[name], dtype=np.float64),
                          numerical_gradient(loss, inputs[source], h))
             for name, source in check.grads]
    mapped = {source for _, source in check.grads}
    for name, value in inputs.items():
        if name not in mapped and np.issubdtype(value.dtype, np.floating):
            pairs.append(GradientPair("d" + name, name, np.zeros(value.shape),
                                      numerical_gradient(loss, value, h), returned=False))
    return pairs
