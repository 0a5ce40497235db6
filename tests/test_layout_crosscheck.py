"""Independent witnesses for oracle.kernel through its two layout adapters (float64).

oracle.kernel writes the RNN / LSTM / GRU math once; oracle.torch_suite and oracle.onnx_suite
only move blocks and axes. Nothing here calls the kernel's helpers: the block permutations
below are this file's own, so a wrong map in an adapter cannot cancel out.

- PyTorch: torch.nn.RNN / LSTM / GRU (one layer, batch_first=False, float64) with the same
  weights. Their forward outputs, and torch.autograd.grad of
  L = sum(output * G1) + sum(h_n * G2) [+ sum(c_n * G3)] for every input and parameter,
  must equal torch_suite's forward and its backward fed (G1, G2[, G3]).
- ONNX: onnx.reference.ReferenceEvaluator (ONNX's own NumPy code, float64 tensors) runs a
  one-node RNN / LSTM / GRU model; onnx_suite must give the same Y, Y_h[, Y_c]. The onnx suite
  must also equal the torch suite on the same weights with the gate blocks permuted
  (LSTM i, o, f, c <-> i, f, g, o; GRU z, r, h <-> r, z, n; linear_before_reset=1 is torch's).
- Central differences of torch_suite's forward for every gradient its backward returns.
- The mistake switches do what their forms say, and a self-consistent mistake's backward still
  agrees with central differences of its own (mistaken) forward.

Errors are normwise: max|a - b| / max(max|a|, max|b|). Against central differences an
absolute error below what the differences can resolve (fd_resolution) also passes: saturated
gates make some gradients (the LSTM's dh0) far smaller than the loss they are taken of.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pytest

from oracle import onnx_suite, torch_suite
from oracle.mistakes import switched_on

TOLERANCE = 1e-12      # two float64 implementations of the same formulas: ~1e-15 apart
FD_TOLERANCE = 1e-7    # central differences at EPS: truncation ~EPS^2, rounding see fd_resolution
EPS = 1e-6
SUMMED = 1e-14        # a backward with a switch on sums weight gradients step by step, one with none on in one
                      # product over all steps (oracle/fused.py): the same numbers to rounding


class Case(NamedTuple):
    id: str
    seed: int
    sizes: tuple[int, int, int, int]  # T, N, D, H: steps, batch, input features, hidden units
    scale: float = 1.0  # multiplies weights and biases


CASES = [
    Case("typical", 1, (6, 3, 4, 5)),
    Case("batch1", 2, (6, 1, 4, 5)),
    Case("one_step", 3, (1, 3, 4, 5)),
    Case("one_feature", 4, (6, 3, 1, 5)),
    Case("one_hidden", 5, (6, 3, 4, 1)),
    Case("saturated", 6, (6, 3, 4, 5), scale=30.0),  # gates at 0 or 1
]
CASE_IDS = [c.id for c in CASES]
TYPICAL = CASES[0]

KINDS = ("rnn", "lstm", "gru")
GATES = {"rnn": "h", "lstm": "ifgo", "gru": "rzn"}  # torch's row blocks
ONNX_GATES = {"rnn": "h", "lstm": "iofg", "gru": "zrn"}  # ONNX's i, o, f, c and z, r, h in torch's letters
STATES = {"rnn": ("h0",), "lstm": ("h0", "c0"), "gru": ("h0",)}
PARAMS = ("w_ih", "w_hh", "b_ih", "b_hh")
TORCH_NAME = {"w_ih": "weight_ih_l0", "w_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}


# ----------------------------------------------------------------------------- helpers

def draw(case: Case, kind: str) -> tuple[dict, list]:
    """torch_suite's inputs by argument name (in signature order) and the upstream G's."""
    rs = np.random.RandomState(case.seed)
    (T, N, D, H), G = case.sizes, len(GATES[kind])
    pool = {"x": rs.randn(T, N, D), "h0": rs.randn(N, H), "c0": rs.randn(N, H),
            "w_ih": case.scale * rs.randn(G * H, D), "w_hh": case.scale * rs.randn(G * H, H),
            "b_ih": case.scale * rs.randn(G * H), "b_hh": case.scale * rs.randn(G * H)}
    upstream = [rs.randn(T, N, H)] + [rs.randn(N, H) for _ in STATES[kind]]  # G1, G2[, G3]
    return {k: pool[k] for k in ("x", *STATES[kind], *PARAMS)}, upstream


def permute(a: np.ndarray, src: str, dst: str) -> np.ndarray:
    """Rows of ``a`` in equal blocks named src[k], put in the order dst."""
    blocks = dict(zip(src, np.split(a, len(src))))
    return np.concatenate([blocks[g] for g in dst])


def forward(kind: str, inputs: dict, return_cache: bool = False) -> tuple:
    return getattr(torch_suite, f"{kind}_forward")(*inputs.values(), return_cache=return_cache)


def backward(kind: str, inputs: dict, upstream: list) -> dict:
    """torch_suite's backward on its own forward's cache, by gradient name (dx, dh0, ...)."""
    cache = forward(kind, inputs, return_cache=True)[-1]
    grads = getattr(torch_suite, f"{kind}_backward")(*upstream, cache)
    return dict(zip(("d" + name for name in inputs), grads, strict=True))


def normwise_error(got: np.ndarray, want: np.ndarray) -> float:
    scale = max(np.max(np.abs(got), initial=0.0), np.max(np.abs(want), initial=0.0), np.finfo(float).tiny)
    return float(np.max(np.abs(got - want), initial=0.0) / scale)


def assert_close(got, want, tolerance: float, witness: str, resolution: float = 0.0) -> float:
    """got and want: dicts by name or sequences of outputs; each pair must agree to
    ``tolerance`` normwise, or to the witness's absolute ``resolution``. Returns the largest error."""
    got, want = (dict(enumerate(v)) if not isinstance(v, dict) else v for v in (got, want))
    assert got.keys() == want.keys(), f"outputs {sorted(got)} vs {witness}'s {sorted(want)}"
    errors, failures = {}, []
    for name in got:
        g, w = np.asarray(got[name]), np.asarray(want[name])
        if g.shape != w.shape:
            failures.append(f"{name}: oracle shape {g.shape}, {witness} shape {w.shape}")
            continue
        errors[name] = normwise_error(g, w)
        if not (errors[name] <= tolerance or np.max(np.abs(g - w), initial=0.0) <= resolution):
            failures.append(f"{name}: normwise error {errors[name]:.2e} > {tolerance:.0e}, max abs "
                            f"{np.max(np.abs(g - w), initial=0.0):.2e} > resolution {resolution:.1e}")
    assert not failures, f"oracle disagrees with {witness}:\n" + "\n".join(failures)
    return max(errors.values())


def torch_nn(kind: str, inputs: dict, upstream: list) -> tuple[list, dict]:
    """torch.nn.<KIND>'s outputs [output, h_n(, c_n)] and its gradients of L by name."""
    torch = pytest.importorskip("torch")
    D, H = inputs["x"].shape[2], inputs["h0"].shape[1]
    module = getattr(torch.nn, kind.upper())(D, H, num_layers=1, batch_first=False).double()
    with torch.no_grad():
        for name in PARAMS:
            param = getattr(module, TORCH_NAME[name])
            assert tuple(param.shape) == inputs[name].shape, name  # copy_ would broadcast silently
            param.copy_(torch.from_numpy(inputs[name]))
    leaves = {k: torch.tensor(inputs[k], requires_grad=True) for k in ("x", *STATES[kind])}
    state = tuple(leaves[k][None] for k in STATES[kind])
    output, final = module(leaves["x"], state if kind == "lstm" else state[0])
    outputs = [output, *(s[0] for s in (final if kind == "lstm" else (final,)))]
    loss = sum((o * torch.from_numpy(g)).sum() for o, g in zip(outputs, upstream))
    wrt = [*leaves.values(), *(getattr(module, TORCH_NAME[n]) for n in PARAMS)]
    grads = torch.autograd.grad(loss, wrt)
    return [o.detach().numpy() for o in outputs], {"d" + n: g.numpy() for n, g in zip(inputs, grads)}


def onnx_feeds(kind: str, inputs: dict) -> dict:
    """The same weights in ONNX's layout: blocks permuted, B = [Wb; Rb], a num_directions axis."""
    p = {k: permute(inputs[k], GATES[kind], ONNX_GATES[kind]) for k in PARAMS}
    feeds = {"X": inputs["x"], "W": p["w_ih"][None], "R": p["w_hh"][None],
             "B": np.concatenate([p["b_ih"], p["b_hh"]])[None], "initial_h": inputs["h0"][None]}
    return feeds | ({"initial_c": inputs["c0"][None]} if kind == "lstm" else {})


def onnx_reference(op: str, feeds: dict, **attributes) -> list:
    """onnx.reference.ReferenceEvaluator on one node ``op`` with float64 (DOUBLE) tensors."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    (T, N, _), H = feeds["X"].shape, feeds["R"].shape[-1]
    outputs = {"Y": (T, 1, N, H), "Y_h": (1, N, H)} | ({"Y_c": (1, N, H)} if op == "LSTM" else {})
    names = ["X", "W", "R", "B", "", *list(feeds)[4:]]  # "" = no sequence_lens
    node = helper.make_node(op, names, list(outputs), hidden_size=H, **attributes)
    graph = helper.make_graph(
        [node], op.lower(),
        [helper.make_tensor_value_info(k, TensorProto.DOUBLE, v.shape) for k, v in feeds.items()],
        [helper.make_tensor_value_info(k, TensorProto.DOUBLE, shape) for k, shape in outputs.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    return ReferenceEvaluator(model).run(None, feeds)


def fd_resolution(kind: str, inputs: dict, upstream: list) -> float:
    """The smallest gradient error central differences resolve: L's rounding, machine epsilon
    times sum |output * G|, over the step. It matters only for a gradient far smaller than L's
    terms (saturated gates hide h0 from the LSTM: |dh0| ~ 3e-4, its differences ~1e-9 off)."""
    terms = sum(float(np.sum(np.abs(o * g))) for o, g in zip(forward(kind, inputs), upstream))
    return np.finfo(np.float64).eps * terms / EPS


def central_differences(kind: str, inputs: dict, upstream: list) -> dict:
    """dL/d(every input) of torch_suite's forward, one element at a time, by gradient name."""
    inputs = {k: v.copy() for k, v in inputs.items()}

    def loss() -> float:
        return sum(float(np.sum(o * g)) for o, g in zip(forward(kind, inputs), upstream, strict=True))

    grads = {}
    for name, a in inputs.items():
        d = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            keep = a[i]
            a[i] = keep + EPS
            up = loss()
            a[i] = keep - EPS
            d[i] = (up - loss()) / (2 * EPS)
            a[i] = keep
        grads["d" + name] = d
    return grads


# ------------------------------------------------------------------------ witnesses

@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_torch_suite_matches_torch_nn(kind: str, case: Case) -> None:
    inputs, upstream = draw(case, kind)
    outputs, grads = torch_nn(kind, inputs, upstream)
    assert_close(forward(kind, inputs), outputs, TOLERANCE, f"torch.nn.{kind.upper()}")
    assert_close(backward(kind, inputs, upstream), grads, TOLERANCE, "torch.autograd.grad")


ONNX_OPS = {  # onnx_suite function: (kind, ONNX op, attributes)
    "rnn": ("rnn", "RNN", {}), "lstm": ("lstm", "LSTM", {}), "gru": ("gru", "GRU", {}),
    "gru_linear_before_reset": ("gru", "GRU", {"linear_before_reset": 1}),
}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("function", list(ONNX_OPS))
def test_onnx_suite_matches_onnx_reference(function: str, case: Case) -> None:
    kind, op, attributes = ONNX_OPS[function]
    feeds = onnx_feeds(kind, draw(case, kind)[0])
    want = onnx_reference(op, feeds, **attributes)
    assert_close(getattr(onnx_suite, function)(**feeds), want, TOLERANCE, f"ReferenceEvaluator {op}")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("function", ["rnn", "lstm", "gru_linear_before_reset"])
def test_onnx_suite_matches_torch_suite(function: str, case: Case) -> None:
    kind = ONNX_OPS[function][0]
    inputs = draw(case, kind)[0]
    Y, *finals = getattr(onnx_suite, function)(**onnx_feeds(kind, inputs))
    assert_close([Y[:, 0], *(s[0] for s in finals)], forward(kind, inputs), TOLERANCE, "torch_suite")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_backward_matches_central_differences(kind: str, case: Case) -> None:
    inputs, upstream = draw(case, kind)
    assert_close(backward(kind, inputs, upstream), central_differences(kind, inputs, upstream),
                 FD_TOLERANCE, "central differences", fd_resolution(kind, inputs, upstream))


# ------------------------------------------------------------------- mistake switches

@pytest.mark.parametrize("kind, form", [("lstm", "ifog"), ("lstm", "iofg"), ("gru", "zrn")])
def test_gate_order_form_is_the_order_blocks_are_read_in(kind: str, form: str) -> None:
    """Block k is read as gate form[k]: torch.nn fed the blocks permuted from form to its own
    order computes what the mistaken suite does."""
    inputs, upstream = draw(TYPICAL, kind)
    with switched_on("gate-order", form):
        mistaken = forward(kind, inputs)
    assert normwise_error(mistaken[0], forward(kind, inputs)[0]) > 1e-3, "the switch changed nothing"
    permuted = inputs | {k: permute(inputs[k], form, GATES[kind]) for k in PARAMS}
    assert_close(mistaken, torch_nn(kind, permuted, upstream)[0], TOLERANCE, "torch.nn on permuted blocks")


@pytest.mark.parametrize("kind, form", [("rnn", "ifog"), ("gru", "ifog"), ("lstm", "zrn"), ("rnn", "zrn/both")])
def test_gate_order_form_of_another_cell_changes_nothing(kind: str, form: str) -> None:
    inputs, upstream = draw(TYPICAL, kind)
    with switched_on("gate-order", form):
        mistaken, grads = forward(kind, inputs), backward(kind, inputs, upstream)
    assert_close(mistaken, forward(kind, inputs), 0.0, "the canonical forward")
    assert_close(grads, backward(kind, inputs, upstream), SUMMED, "the canonical backward")


def test_reset_gate_placement_swapped_is_onnx_default_gru() -> None:
    inputs = draw(TYPICAL, "gru")[0]
    feeds = onnx_feeds("gru", inputs)
    reset_before = onnx_suite.gru(**feeds)
    with switched_on("reset-gate-placement", "swapped"):
        mistaken = forward("gru", inputs)
    assert normwise_error(mistaken[0], forward("gru", inputs)[0]) > 1e-3, "the switch changed nothing"
    assert_close(mistaken, [reset_before[0][:, 0], reset_before[1][0]], TOLERANCE, "onnx_suite.gru")
    Y, Y_h = onnx_reference("GRU", feeds)  # linear_before_reset = 0
    assert_close(mistaken, [Y[:, 0], Y_h[0]], TOLERANCE, "ReferenceEvaluator GRU")


def test_update_gate_convention_swapped_by_hand() -> None:
    """T = N = D = H = 1, computed with math on scalars: h' = z n + (1 - z) h when swapped."""
    x, h = 0.5, -0.3
    w_ih, w_hh = [0.2, -0.4, 0.7], [0.1, 0.3, -0.5]  # r, z, n
    b_ih, b_hh = [0.05, -0.1, 0.2], [0.3, 0.1, -0.2]

    def sigmoid(u: float) -> float:
        return 1.0 / (1.0 + math.exp(-u))
    r = sigmoid(w_ih[0] * x + b_ih[0] + w_hh[0] * h + b_hh[0])
    z = sigmoid(w_ih[1] * x + b_ih[1] + w_hh[1] * h + b_hh[1])
    n = math.tanh(w_ih[2] * x + b_ih[2] + r * (w_hh[2] * h + b_hh[2]))
    args = [np.array([[[x]]]), np.array([[h]]), np.array([w_ih]).T, np.array([w_hh]).T,
            np.array(b_ih), np.array(b_hh)]
    canonical = torch_suite.gru_forward(*args)[1][0, 0]
    with switched_on("update-gate-convention", "swapped"):
        swapped = torch_suite.gru_forward(*args)[1][0, 0]
    assert abs(canonical - ((1 - z) * n + z * h)) < 1e-15
    assert abs(swapped - (z * n + (1 - z) * h)) < 1e-15
    assert abs(swapped - canonical) > 1e-3


@pytest.mark.parametrize("bias", ["b_ih", "b_hh"])
@pytest.mark.parametrize("kind", KINDS)
def test_missing_bias_is_that_bias_zero(kind: str, bias: str) -> None:
    inputs, upstream = draw(TYPICAL, kind)
    zeroed = inputs | {bias: np.zeros_like(inputs[bias])}
    with switched_on("missing-bias", bias):
        mistaken, grads = forward(kind, inputs), backward(kind, inputs, upstream)
    assert normwise_error(mistaken[0], forward(kind, inputs)[0]) > 1e-3, "the switch changed nothing"
    assert_close(mistaken, forward(kind, zeroed), 0.0, "the canonical forward with the bias zeroed")
    assert_close(grads, backward(kind, zeroed, upstream), SUMMED, "the canonical backward with the bias zeroed")


@pytest.mark.parametrize("half", ["Wb", "Rb"])
@pytest.mark.parametrize("function", list(ONNX_OPS))
def test_onnx_missing_bias_is_that_half_of_B_zero(function: str, half: str) -> None:
    kind = ONNX_OPS[function][0]
    feeds = onnx_feeds(kind, draw(TYPICAL, kind)[0])
    H2 = feeds["B"].shape[1] // 2
    B = feeds["B"].copy()
    B[:, slice(0, H2) if half == "Wb" else slice(H2, None)] = 0.0
    with switched_on("missing-bias", half):
        mistaken = getattr(onnx_suite, function)(**feeds)
    assert normwise_error(mistaken[0], getattr(onnx_suite, function)(**feeds)[0]) > 1e-3
    assert_close(mistaken, getattr(onnx_suite, function)(**feeds | {"B": B}), 0.0, "B with that half zeroed")


@pytest.mark.parametrize("function, form", [("lstm", "ifco"), ("lstm", "iocf"), ("gru", "rzh")])
def test_onnx_gate_order_form_is_the_order_blocks_are_read_in(function: str, form: str) -> None:
    kind = function
    feeds = onnx_feeds(kind, draw(TYPICAL, kind)[0])
    canonical = {"lstm": "iofc", "gru": "zrh"}[kind]
    permuted = feeds | {k: permute(feeds[k][0], form, canonical)[None] for k in ("W", "R")}
    permuted["B"] = np.concatenate([permute(b, form, canonical) for b in np.split(feeds["B"][0], 2)])[None]
    with switched_on("gate-order", form):
        mistaken = getattr(onnx_suite, function)(**feeds)
    assert normwise_error(mistaken[0], getattr(onnx_suite, function)(**feeds)[0]) > 1e-3
    assert_close(mistaken, onnx_reference(kind.upper(), permuted), TOLERANCE, "ReferenceEvaluator on permuted blocks")


CONSISTENT = [("gate-order", "ifog/both", "lstm"), ("gate-order", "zrn/both", "gru"),
              ("reset-gate-placement", "swapped", "gru"), ("update-gate-convention", "swapped", "gru")]


@pytest.mark.parametrize("mistake, form, kind", CONSISTENT, ids=[f"{m}={f}" for m, f, _ in CONSISTENT])
def test_consistent_mistake_backward_matches_its_forward(mistake: str, form: str, kind: str) -> None:
    inputs, upstream = draw(TYPICAL, kind)
    with switched_on(mistake, form):
        grads = backward(kind, inputs, upstream)
        assert_close(grads, central_differences(kind, inputs, upstream), FD_TOLERANCE,
                     f"central differences of the {mistake}={form} forward", fd_resolution(kind, inputs, upstream))
    assert normwise_error(grads["dw_ih"], backward(kind, inputs, upstream)["dw_ih"]) > 1e-3


@pytest.mark.parametrize("kind, form", [("lstm", "ifog"), ("gru", "zrn")])
def test_gate_order_without_both_packs_gradients_canonically(kind: str, form: str) -> None:
    """A forward-only gate-order mistake: the backward's weight gradients no longer match the
    (mistaken) forward, but its input and state gradients still do."""
    inputs, upstream = draw(TYPICAL, kind)
    with switched_on("gate-order", form):
        grads, numeric = backward(kind, inputs, upstream), central_differences(kind, inputs, upstream)
        with switched_on("gate-order", form + "/both"):
            both = backward(kind, inputs, upstream)
    for name in ("dx", "dh0"):
        assert normwise_error(grads[name], numeric[name]) < FD_TOLERANCE
    for name in PARAMS:
        assert normwise_error(grads["d" + name], numeric["d" + name]) > 1e-3
        assert_close([grads["d" + name]], [permute(both["d" + name], form, GATES[kind])], 0.0, "/both regrouped")
