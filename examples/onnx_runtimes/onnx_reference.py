"""The onnx suite computed by ONNX's own reference runtime, ``onnx.reference.ReferenceEvaluator``
(pure NumPy, float64 and float32): ``pytest --target=examples/onnx_runtimes/onnx_reference.py``."""

from onnx.reference import ReferenceEvaluator

from _one_node import suite_functions


def _run(model: bytes, feeds: dict) -> list:
    return ReferenceEvaluator(model).run(None, feeds)


globals().update(suite_functions(_run))
