"""Canonical NumPy implementations of the four suites: ``oracle.dlai``, ``oracle.cs231n``, ``oracle.torch_suite``
and ``oracle.onnx_suite``, adapters around one numerics kernel (``oracle.kernel``)."""
