"""The sections of ``benchmarks/run.py``: one module per thing measured, each a function
``run(settings) -> Section`` (see common.py). Run them through run.py, not on their own."""
