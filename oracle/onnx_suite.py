"""Reference implementation of the ONNX operators RNN, LSTM and GRU (adapter, forward only).

Opset 14+ semantics with the default attributes: activations tanh (RNN) and sigmoid, tanh,
tanh (LSTM, GRU); direction "forward"; no clip, no peepholes, no sequence_lens; layout 0.
The num_directions axis (1) is kept so that real runtimes can be checked against these:
    X (T, N, D);  W (1, G*H, D);  R (1, G*H, H);  B (1, 2*G*H) = [Wb; Rb];  initial_h/c (1, N, H)
    Y (T, 1, N, H);  Y_h, Y_c (1, N, H)
Gate row blocks: LSTM i, o, f, c; GRU z, r, h. This module only moves blocks and axes into
oracle.kernel's layout (LSTM i, f, g, o; GRU r, z, n); all numerics are the kernel's.
ONNX has no backward operators, so neither has this module.

Lines that read ``mistake(...)`` (here and in the kernel) are the catalogue's known mistakes:
    gate-order      the form is the order in which the target reads the row blocks of W, R and
                    both halves of B, in ONNX's letters (a permutation of "iofc" for the LSTM,
                    e.g. "ifco" = PyTorch's order, "ifoc" = cs231n's; of "zrh" for the GRU,
                    e.g. "rzh" = PyTorch's).
    missing-bias    "Wb" or "Rb": that half of B is treated as zeros.
"""

from __future__ import annotations

import numpy as np

from oracle import kernel, packing

__all__ = ["rnn", "lstm", "gru", "gru_linear_before_reset"]

Array = np.ndarray

# (ONNX's block order, the kernel's order in ONNX's letters)
RNN_GATES, LSTM_GATES, GRU_GATES = ("h", "h"), ("iofc", "ifco"), ("zrh", "rzh")


def _run(cell: kernel.Cell, gates: tuple[str, str], X: Array, W: Array, R: Array, B: Array,
         initial: tuple[Array, ...]) -> tuple[Array, ...]:
    Wb, Rb = np.split(B[0], 2)
    params = packing.read_params(W[0], R[0], Wb, Rb, gates=gates[0], kernel_gates=gates[1], bias_names=("Wb", "Rb"))
    Y, final, _ = kernel.cell_scan_forward(cell, X, tuple(s[0] for s in initial), params)
    return (Y[:, None], *(s[None] for s in final))


def rnn(X: Array, W: Array, R: Array, B: Array, initial_h: Array) -> tuple[Array, Array]:
    """ONNX RNN: H_t = tanh(X_t W^T + H_{t-1} R^T + Wb + Rb).

    X (T, N, D); W (1, H, D); R (1, H, H); B (1, 2H); initial_h (1, N, H).
    Returns Y (T, 1, N, H), Y_h (1, N, H).
    """
    return _run(kernel.RNN, RNN_GATES, X, W, R, B, (initial_h,))


def lstm(X: Array, W: Array, R: Array, B: Array, initial_h: Array, initial_c: Array
         ) -> tuple[Array, Array, Array]:
    """ONNX LSTM, gate rows i, o, f, c: C_t = f C_{t-1} + i c, H_t = o tanh(C_t).

    X (T, N, D); W (1, 4H, D); R (1, 4H, H); B (1, 8H); initial_h, initial_c (1, N, H).
    Returns Y (T, 1, N, H), Y_h (1, N, H), Y_c (1, N, H).
    """
    return _run(kernel.LSTM, LSTM_GATES, X, W, R, B, (initial_h, initial_c))


def gru(X: Array, W: Array, R: Array, B: Array, initial_h: Array) -> tuple[Array, Array]:
    """ONNX GRU (linear_before_reset = 0), gate rows z, r, h:
    h~ = tanh(X_t W_h^T + (r H_{t-1}) R_h^T + Rb_h + Wb_h), H_t = (1 - z) h~ + z H_{t-1}.

    X (T, N, D); W (1, 3H, D); R (1, 3H, H); B (1, 6H); initial_h (1, N, H).
    Returns Y (T, 1, N, H), Y_h (1, N, H).
    """
    return _run(kernel.GRU_RESET_BEFORE, GRU_GATES, X, W, R, B, (initial_h,))


def gru_linear_before_reset(X: Array, W: Array, R: Array, B: Array, initial_h: Array) -> tuple[Array, Array]:
    """ONNX GRU with linear_before_reset = 1 (PyTorch's GRU):
    h~ = tanh(X_t W_h^T + r (H_{t-1} R_h^T + Rb_h) + Wb_h). Shapes as gru's.
    """
    return _run(kernel.GRU, GRU_GATES, X, W, R, B, (initial_h,))
