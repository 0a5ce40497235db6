"""PyTorch autograd (CPU, float64) as an independent witness for the oracle.

For every RNN/LSTM cell and sequence of both suites, the oracle's forward outputs and its
gradients of every input and parameter must equal what torch's own modules compute
(torch.nn.RNNCell / RNN / LSTMCell / LSTM with the weights loaded through the explicit
layout and gate-order maps of tests/torch_mapping.py), to TOLERANCE normwise.
One test item per (function, case): ``test_oracle_matches_torch[dlai.lstm_cell_backward-batch1]``.
benchmarks/torch_crosscheck_report.py reuses WITNESS_OF, CASES and normwise_error.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

# `import torch` 2.13 emits no warning (checked: python -W error -c "import torch"), so the
# project's filterwarnings=error needs no exception here.
torch = pytest.importorskip(
    "torch", reason="PyTorch not installed: pip install -e '.[crosscheck]' to run the "
                    "independent autograd cross-check")

import torch_mapping as tm  # noqa: E402  (after the skip: it imports torch; tests/ is on sys.path)

from oracle import cs231n, dlai  # noqa: E402

TOLERANCE = 1e-10  # normwise relative; NumPy and torch float64 agree to ~1e-15 (PERF-NOTES)


def normwise_error(got: np.ndarray, want: np.ndarray) -> float:
    """max|got - want| / max(max|got|, max|want|, tiny): the error relative to the array's scale.

    Not elementwise: an elementwise relative error blows up on entries near zero even when
    the arrays agree to the last bits of their largest entries.
    """
    scale = max(np.max(np.abs(got), initial=0.0), np.max(np.abs(want), initial=0.0),
                np.finfo(np.float64).tiny)
    return float(np.max(np.abs(got - want), initial=0.0) / scale)


class Case(NamedTuple):
    """Sizes shared by both suites: dlai (n_x, m, T_x, n_a, n_y) = cs231n (D, N, T, H, V)."""
    id: str
    seed: int
    batch: int
    n_in: int
    hidden: int
    steps: int
    classes: int


CASES = [
    Case("typical", seed=1, batch=3, n_in=4, hidden=5, steps=6, classes=3),
    Case("batch1", seed=2, batch=1, n_in=4, hidden=5, steps=6, classes=3),
    Case("one_step", seed=3, batch=3, n_in=4, hidden=5, steps=1, classes=3),
    Case("one_feature", seed=4, batch=3, n_in=1, hidden=5, steps=6, classes=3),
    Case("one_hidden", seed=5, batch=3, n_in=4, hidden=1, steps=6, classes=3),
    Case("input_wider", seed=6, batch=2, n_in=7, hidden=3, steps=4, classes=5),
    Case("all_ones", seed=7, batch=1, n_in=1, hidden=1, steps=1, classes=2),
]


def named(oracle: dict | tuple, witness: dict | tuple, names: tuple = ()) -> list:
    """(output name, oracle value, torch value) for every output; tuples are named by ``names``.
    A name missing on either side raises KeyError, which fails the test."""
    if names:
        oracle, witness = dict(zip(names, oracle)), dict(zip(names, witness))
    return [(k, oracle[k], witness[k]) for k in sorted(set(oracle) | set(witness))]


# Each witness draws one case's inputs (randn weights, random upstream gradients) from a
# local RandomState, runs oracle and torch, and returns {function: named outputs}.

def dlai_rnn(case: Case) -> dict:
    rs = np.random.RandomState(case.seed)
    n_x, m, T, n_a, n_y = case.n_in, case.batch, case.steps, case.hidden, case.classes
    x, a0, da = rs.randn(n_x, m, T), rs.randn(n_a, m), rs.randn(n_a, m, T)
    p = {"Wax": rs.randn(n_a, n_x), "Waa": rs.randn(n_a, n_a), "ba": rs.randn(n_a, 1),
         "Wya": rs.randn(n_y, n_a), "by": rs.randn(n_y, 1)}
    weights, seq = tm.dlai_to_torch_rnn(p), tm.dlai_seq_to_torch

    a1, y1, cache1 = dlai.rnn_cell_forward(x[:, :, 0], a0, p)
    (h1,), (dx1, dh1), w1 = tm.run_torch("RNNCell", weights, x[:, :, 0].T, (a0.T,), (da[:, :, 0].T,))
    a, y, caches = dlai.rnn_forward(x, a0, p)
    (out, _), (dx, dh0), w = tm.run_torch("RNN", weights, seq(x), (a0.T[None],), (seq(da),))
    return {
        "dlai.rnn_cell_forward": named(
            {"a_next": a1, "yt_pred": y1},
            {"a_next": h1.T, "yt_pred": tm.torch_softmax_predict(h1, p["Wya"], p["by"]).T}),
        "dlai.rnn_cell_backward": named(
            dlai.rnn_cell_backward(da[:, :, 0], cache1),
            {"dxt": dx1.T, "da_prev": dh1.T, **tm.torch_to_dlai_rnn_grads(w1)}),
        "dlai.rnn_forward": named(
            {"a": a, "y_pred": y},
            {"a": seq(out), "y_pred": seq(tm.torch_softmax_predict(out, p["Wya"], p["by"]))}),
        "dlai.rnn_backward": named(
            dlai.rnn_backward(da, caches),
            {"dx": seq(dx), "da0": dh0[0].T, **tm.torch_to_dlai_rnn_grads(w)}),
    }


def dlai_lstm(case: Case) -> dict:
    rs = np.random.RandomState(case.seed)
    n_x, m, T, n_a, n_y = case.n_in, case.batch, case.steps, case.hidden, case.classes
    x, a0, c_prev = rs.randn(n_x, m, T), rs.randn(n_a, m), rs.randn(n_a, m)
    da, dc_next = rs.randn(n_a, m, T), rs.randn(n_a, m)
    p = {}
    for g in dlai.LSTM_GATES:
        p["W" + g], p["b" + g] = rs.randn(n_a, n_a + n_x), rs.randn(n_a, 1)
    p["Wy"], p["by"] = rs.randn(n_y, n_a), rs.randn(n_y, 1)
    weights, seq = tm.dlai_to_torch_lstm(p), tm.dlai_seq_to_torch

    a1, c1, y1, cache1 = dlai.lstm_cell_forward(x[:, :, 0], a0, c_prev, p)
    (h1, k1), (dx1, dh1, dk1), w1 = tm.run_torch(
        "LSTMCell", weights, x[:, :, 0].T, (a0.T, c_prev.T), (da[:, :, 0].T, dc_next.T))
    a, y, c, caches = dlai.lstm_forward(x, a0, p)
    state0 = (a0.T[None], np.zeros((1, m, n_a)))  # the oracle's lstm_forward starts at c = 0
    (out, _, _), (dx, dh0, _), w = tm.run_torch("LSTM", weights, seq(x), state0, (seq(da),))
    # nn.LSTM returns only the last cell state: c<t> is c_n of the same run on steps 0..t.
    cells = np.stack([tm.run_torch("LSTM", weights, seq(x)[:t + 1], state0)[0][2][0] for t in range(T)])
    return {
        "dlai.lstm_cell_forward": named(
            {"a_next": a1, "c_next": c1, "yt_pred": y1},
            {"a_next": h1.T, "c_next": k1.T,
             "yt_pred": tm.torch_softmax_predict(h1, p["Wy"], p["by"]).T}),
        "dlai.lstm_cell_backward": named(
            dlai.lstm_cell_backward(da[:, :, 0], dc_next, cache1),
            {"dxt": dx1.T, "da_prev": dh1.T, "dc_prev": dk1.T, **tm.torch_to_dlai_lstm_grads(w1)}),
        "dlai.lstm_forward": named(
            {"a": a, "y": y, "c": c},
            {"a": seq(out), "y": seq(tm.torch_softmax_predict(out, p["Wy"], p["by"])), "c": seq(cells)}),
        "dlai.lstm_backward": named(
            dlai.lstm_backward(da, caches),
            {"dx": seq(dx), "da0": dh0[0].T, **tm.torch_to_dlai_lstm_grads(w)}),
    }


def cs231n_rnn(case: Case) -> dict:
    rs = np.random.RandomState(case.seed)
    N, T, D, H = case.batch, case.steps, case.n_in, case.hidden
    x, h0, dh = rs.randn(N, T, D), rs.randn(N, H), rs.randn(N, T, H)
    Wx, Wh, b = rs.randn(D, H), rs.randn(H, H), rs.randn(H)
    weights, seq = tm.cs231n_to_torch_rnn(Wx, Wh, b), tm.cs231n_seq_to_torch
    grad_names = ("dx", "dprev_h", "dWx", "dWh", "db")

    h1, cache1 = cs231n.rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    (t1,), (dx1, dh1), w1 = tm.run_torch("RNNCell", weights, x[:, 0], (h0,), (dh[:, 0],))
    h, cache = cs231n.rnn_forward(x, h0, Wx, Wh, b)
    (out, _), (dx, dh0), w = tm.run_torch("RNN", weights, seq(x), (h0[None],), (seq(dh),))
    return {
        "cs231n.rnn_step_forward": named({"next_h": h1}, {"next_h": t1}),
        "cs231n.rnn_step_backward": named(
            cs231n.rnn_step_backward(dh[:, 0], cache1),
            (dx1, dh1, *tm.torch_to_cs231n_rnn_grads(w1)), grad_names),
        "cs231n.rnn_forward": named({"h": h}, {"h": seq(out)}),
        "cs231n.rnn_backward": named(
            cs231n.rnn_backward(dh, cache),
            (seq(dx), dh0[0], *tm.torch_to_cs231n_rnn_grads(w)), ("dx", "dh0") + grad_names[2:]),
    }


def cs231n_lstm(case: Case) -> dict:
    rs = np.random.RandomState(case.seed)
    N, T, D, H = case.batch, case.steps, case.n_in, case.hidden
    x, h0, prev_c = rs.randn(N, T, D), rs.randn(N, H), rs.randn(N, H)
    dh, dnext_c = rs.randn(N, T, H), rs.randn(N, H)
    Wx, Wh, b = rs.randn(D, 4 * H), rs.randn(H, 4 * H), rs.randn(4 * H)
    weights, seq = tm.cs231n_to_torch_lstm(Wx, Wh, b), tm.cs231n_seq_to_torch

    h1, c1, cache1 = cs231n.lstm_step_forward(x[:, 0], h0, prev_c, Wx, Wh, b)
    (t1, k1), (dx1, dh1, dk1), w1 = tm.run_torch(
        "LSTMCell", weights, x[:, 0], (h0, prev_c), (dh[:, 0], dnext_c))
    h, cache = cs231n.lstm_forward(x, h0, Wx, Wh, b)
    state0 = (h0[None], np.zeros((1, N, H)))  # the oracle's lstm_forward starts at c = 0
    (out, _, _), (dx, dh0, _), w = tm.run_torch("LSTM", weights, seq(x), state0, (seq(dh),))
    return {
        "cs231n.lstm_step_forward": named({"next_h": h1, "next_c": c1}, {"next_h": t1, "next_c": k1}),
        "cs231n.lstm_step_backward": named(
            cs231n.lstm_step_backward(dh[:, 0], dnext_c, cache1),
            (dx1, dh1, dk1, *tm.torch_to_cs231n_lstm_grads(w1)),
            ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")),
        "cs231n.lstm_forward": named({"h": h}, {"h": seq(out)}),
        "cs231n.lstm_backward": named(
            cs231n.lstm_backward(dh, cache),
            (seq(dx), dh0[0], *tm.torch_to_cs231n_lstm_grads(w)), ("dx", "dh0", "dWx", "dWh", "db")),
    }


def cs231n_temporal(case: Case) -> dict:
    """temporal_affine_* against torch.nn.functional.linear; temporal_softmax_loss against
    cross_entropy(reduction='none'), masked, summed and divided by N."""
    rs = np.random.RandomState(case.seed)
    N, T, D, V = case.batch, case.steps, case.n_in, case.classes
    x, w, b, dout = rs.randn(N, T, D), rs.randn(D, V), rs.randn(V), rs.randn(N, T, V)
    scores, y = rs.randn(N, T, V), rs.randint(V, size=(N, T))
    mask = rs.rand(N, T) < 0.5
    mask[:, 0] = True  # as in captioning (<START> is never masked); no case is all-masked

    out, cache = cs231n.temporal_affine_forward(x, w, b)
    tx, tw, tb = tm.leaf(x), tm.leaf(w), tm.leaf(b)
    t_out = torch.nn.functional.linear(tx, tw.T, tb)  # linear computes x W^T + b
    t_out.backward(torch.tensor(dout))

    loss, dscores = cs231n.temporal_softmax_loss(scores, y, mask)
    t_scores = tm.leaf(scores)
    per_step = torch.nn.functional.cross_entropy(
        t_scores.reshape(N * T, V), torch.tensor(y.reshape(N * T)), reduction="none")
    t_loss = (per_step * torch.tensor(mask.reshape(N * T))).sum() / N
    t_loss.backward()
    return {
        "cs231n.temporal_affine_forward": named({"out": out}, {"out": t_out.detach().numpy()}),
        "cs231n.temporal_affine_backward": named(
            cs231n.temporal_affine_backward(dout, cache),
            (tx.grad.numpy(), tw.grad.numpy(), tb.grad.numpy()), ("dx", "dw", "db")),
        "cs231n.temporal_softmax_loss": named(
            (np.asarray(loss), dscores), (t_loss.detach().numpy(), t_scores.grad.numpy()),
            ("loss", "dx")),
    }


WITNESS_OF = {
    **dict.fromkeys(["dlai.rnn_cell_forward", "dlai.rnn_cell_backward",
                     "dlai.rnn_forward", "dlai.rnn_backward"], dlai_rnn),
    **dict.fromkeys(["dlai.lstm_cell_forward", "dlai.lstm_cell_backward",
                     "dlai.lstm_forward", "dlai.lstm_backward"], dlai_lstm),
    **dict.fromkeys(["cs231n.rnn_step_forward", "cs231n.rnn_step_backward",
                     "cs231n.rnn_forward", "cs231n.rnn_backward"], cs231n_rnn),
    **dict.fromkeys(["cs231n.lstm_step_forward", "cs231n.lstm_step_backward",
                     "cs231n.lstm_forward", "cs231n.lstm_backward"], cs231n_lstm),
    **dict.fromkeys(["cs231n.temporal_affine_forward", "cs231n.temporal_affine_backward",
                     "cs231n.temporal_softmax_loss"], cs231n_temporal),
}


def disagreement(name: str, got: np.ndarray, want: np.ndarray) -> str | None:
    """None when oracle (got) and torch (want) agree, else one line naming the worst element."""
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        return f"{name}: oracle shape {got.shape}, torch shape {want.shape}"
    err = normwise_error(got, want)
    if err <= TOLERANCE:
        return None
    index = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)
    where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
    return (f"{name}{where}: oracle {got[index]:.10g}, torch {want[index]:.10g}; "
            f"normwise error {err:.2e} > {TOLERANCE:.0e}")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("function", list(WITNESS_OF))
def test_oracle_matches_torch(function: str, case: Case) -> None:
    outputs = WITNESS_OF[function](case)[function]
    failures = [msg for msg in (disagreement(*o) for o in outputs) if msg]
    header = f"{function} [{case.id}, seed {case.seed}] disagrees with torch:"
    assert not failures, "\n".join([header, *failures])
