"""Known mistakes, recognised from what came back: the "why" in a failure message.

Each diagnosis looks at one wrong output (and the case's inputs) and, if it recognises a
mistake seen in real submissions, says what it is. They only add hints: a verdict never
depends on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

import oracle.cs231n

Inputs = Mapping[str, np.ndarray]
Diagnosis = Callable[[Inputs, np.ndarray, np.ndarray], "str | None"]


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def columns_not_normalised(inputs: Inputs, got: np.ndarray, want: np.ndarray) -> str | None:
    """dlai predictions: each column (one example) must sum to 1."""
    sums = got.sum(axis=0)
    if got.ndim and np.all(np.isfinite(sums)) and not np.allclose(sums, 1.0, rtol=1e-6):
        return ("the columns of this softmax do not sum to 1 (one column is one example): normalise per "
                "column, e_x / e_x.sum(axis=0, keepdims=True), not by the sum over the whole array")
    return None


def embedding_not_accumulated(inputs: Inputs, got: np.ndarray, want: np.ndarray) -> str | None:
    """word_embedding_backward with ``dW[x] += dout``: repeated words keep only one row."""
    buggy = np.zeros_like(want)
    buggy[inputs["x"]] += inputs["dout"]
    if not _close(buggy, want) and _close(got, buggy):
        return ("repeated word indices were not accumulated: dW[x] += dout keeps only one of the "
                "duplicates; use np.add.at(dW, x, dout)")
    return None


def loss_wrong_divisor(inputs: Inputs, got: np.ndarray, want: np.ndarray) -> str | None:
    """temporal_softmax_loss divided by something other than N."""
    N, T = inputs["y"].shape
    kept = int(np.sum(inputs["mask"]))
    for divisor, label in ((N * T, "N * T"), (kept, "the number of unmasked steps"), (1, "nothing")):
        if divisor != N and want.size and np.allclose(got * divisor, want * N, rtol=1e-6, atol=1e-12):
            return f"looks divided by {label} instead of the batch size N = {N}"
    return None


def _swap_o_g(w: np.ndarray) -> np.ndarray:
    """Blocks i, f, o, g -> i, f, g, o along the last axis (and back: it is its own inverse)."""
    i, f, third, fourth = np.split(w, 4, axis=-1)
    return np.concatenate([i, f, fourth, third], axis=-1)


def lstm_gate_order(inputs: Inputs, got: np.ndarray, want: np.ndarray) -> str | None:
    """cs231n packs the gates i, f, o, g; PyTorch and many tutorials use i, f, g, o."""
    if "prev_c" in inputs:
        run = lambda Wx, Wh, b: oracle.cs231n.lstm_step_forward(inputs["x"], inputs["prev_h"], inputs["prev_c"], Wx, Wh, b)[0]
    else:
        run = lambda Wx, Wh, b: oracle.cs231n.lstm_forward(inputs["x"], inputs["h0"], Wx, Wh, b)[0]
    if got.shape == want.shape and _close(run(*(_swap_o_g(inputs[w]) for w in ("Wx", "Wh", "b"))), got):
        return "the gates are read in the order i, f, g, o; this suite packs them i, f, o, g along the last axis"
    return None


KNOWN_MISTAKES: dict[tuple[str, str, str], list[Diagnosis]] = {
    ("dlai", "softmax", "probs"): [columns_not_normalised],
    ("dlai", "rnn_cell_forward", "yt_pred"): [columns_not_normalised],
    ("dlai", "rnn_forward", "y_pred"): [columns_not_normalised],
    ("dlai", "lstm_cell_forward", "yt_pred"): [columns_not_normalised],
    ("dlai", "lstm_forward", "y"): [columns_not_normalised],
    ("cs231n", "word_embedding_backward", "dW"): [embedding_not_accumulated],
    ("cs231n", "temporal_softmax_loss", "loss"): [loss_wrong_divisor],
    ("cs231n", "lstm_step_forward", "next_h"): [lstm_gate_order],
    ("cs231n", "lstm_forward", "h"): [lstm_gate_order],
}

# When exactly these outputs are wrong and the others right, the cause is known.
ONLY_WRONG: dict[tuple[str, str, frozenset], str] = {
    ("dlai", "rnn_cell_backward", frozenset({"dWaa"})):
        "only dWaa is wrong: dWaa = dz a_prev^T uses the previous hidden state a_prev, not its gradient da_prev",
    ("dlai", "rnn_backward", frozenset({"dWaa"})):
        "only dWaa is wrong: in each step dWaa = dz a_prev^T uses the previous hidden state a_prev, not da_prev",
    ("dlai", "lstm_backward", frozenset({"da0"})):
        "only da0 is wrong: da0 is the da_prev of the first step's backward (after the loop), not da[:, :, 0]",
    ("cs231n", "rnn_backward", frozenset({"dh0"})):
        "only dh0 is wrong: dh0 is the dprev_h of the first step's backward (after the loop)",
}


def explain(suite: str, function: str, output: str, inputs: Inputs, got: np.ndarray, want: np.ndarray) -> str | None:
    for diagnosis in KNOWN_MISTAKES.get((suite, function, output), []):
        try:
            hint = diagnosis(inputs, np.asarray(got, dtype=float), np.asarray(want, dtype=float))
        except (ValueError, IndexError, KeyError):  # the output is too malformed to diagnose
            continue
        if hint:
            return hint
    return None


def explain_pattern(suite: str, function: str, wrong: set[str]) -> str | None:
    return ONLY_WRONG.get((suite, function, frozenset(wrong)))
