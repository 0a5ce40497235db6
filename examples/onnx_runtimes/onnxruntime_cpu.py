"""The onnx suite computed by onnxruntime's CPU kernels: ``pytest --target=examples/onnx_runtimes/
onnxruntime_cpu.py --dtype=float32``. onnxruntime implements RNN, LSTM and GRU for float32
only (a DOUBLE model fails with NOT_IMPLEMENTED / "does not support double yet"), so float64
inputs are run in float32 and the float32 results returned as they are: judged in float64,
every item is a dtype failure, which is the truth about this runtime."""

import numpy as np
import onnxruntime

from _one_node import suite_functions

onnxruntime.set_default_logger_severity(3)  # errors only: a failing kernel's log line is not a verdict


def _run(model: bytes, feeds: dict) -> list:
    if next(iter(feeds.values())).dtype == np.float64:
        return _run(_as_float32(model), {k: v.astype(np.float32) for k, v in feeds.items()})
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1  # one grading worker, one core
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def _as_float32(model: bytes) -> bytes:
    import onnx

    proto = onnx.load_from_string(model)
    for value in [*proto.graph.input, *proto.graph.output]:
        value.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    return proto.SerializeToString()


globals().update(suite_functions(_run))
