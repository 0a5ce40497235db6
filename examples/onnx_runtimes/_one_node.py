"""Run one ONNX RNN / LSTM / GRU node on NumPy inputs: what the two thin targets beside this
file share. The model is built for the inputs' dtype (float64 -> DOUBLE, float32 -> FLOAT);
``run(model_bytes, feeds)`` is the runtime under test."""

from collections.abc import Callable

import numpy as np
from onnx import TensorProto, helper

OPSET = 14
DTYPES = {np.dtype(np.float64): TensorProto.DOUBLE, np.dtype(np.float32): TensorProto.FLOAT}


def run_node(op: str, inputs: dict, run: Callable[[bytes, dict], list], **attributes) -> tuple:
    """The outputs (Y, Y_h[, Y_c]) of one ``op`` node with ``inputs`` (X, W, R, B, initial_h[,
    initial_c]; sequence_lens left out) and hidden_size taken from R."""
    X, R = inputs["X"], inputs["R"]
    T, N, H = X.shape[0], X.shape[1], R.shape[-1]
    elem = DTYPES[np.dtype(X.dtype)]
    names = ["X", "W", "R", "B", "", "initial_h"] + (["initial_c"] if "initial_c" in inputs else [])
    outputs = [("Y", [T, 1, N, H]), ("Y_h", [1, N, H])] + ([("Y_c", [1, N, H])] if op == "LSTM" else [])
    node = helper.make_node(op, names, [name for name, _ in outputs], hidden_size=H, **attributes)
    graph = helper.make_graph(
        [node], f"one_{op.lower()}",
        [helper.make_tensor_value_info(n, elem, list(inputs[n].shape)) for n in names if n],
        [helper.make_tensor_value_info(name, elem, shape) for name, shape in outputs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    return tuple(run(model.SerializeToString(), {n: inputs[n] for n in names if n}))


def suite_functions(run: Callable[[bytes, dict], list]) -> dict[str, Callable]:
    """The onnx suite's four functions, computed by ``run``."""
    def rnn(X, W, R, B, initial_h):
        return run_node("RNN", dict(X=X, W=W, R=R, B=B, initial_h=initial_h), run)

    def lstm(X, W, R, B, initial_h, initial_c):
        return run_node("LSTM", dict(X=X, W=W, R=R, B=B, initial_h=initial_h, initial_c=initial_c), run)

    def gru(X, W, R, B, initial_h):
        return run_node("GRU", dict(X=X, W=W, R=R, B=B, initial_h=initial_h), run)

    def gru_linear_before_reset(X, W, R, B, initial_h):
        return run_node("GRU", dict(X=X, W=W, R=R, B=B, initial_h=initial_h), run, linear_before_reset=1)

    return {f.__name__: f for f in (rnn, lstm, gru, gru_linear_before_reset)}
