"""Run any target module against the rnn-conformance spec.

The package is in layers, each a subpackage that imports only the layers below it (checked by
tests/test_layout.py), top to bottom:

- ``cli``, ``plugin``, ``checking``: the entry points (the ``rnn-conformance`` command,
  ``pytest --target``, ``check()`` in a notebook cell);
- ``grading``: one submission, a class, the Dask jobs, Gradescope;
- ``reports``: what a run writes and prints (JSON, JUnit, CSV, the console, the class report);
- ``judging``: the harness that judges a target's items, comparison, gradient checks, caches,
  the catalogue's diagnosis, verdicts and scores;
- ``running``: loading and running a target (files, notebooks, course helpers, tensors) and the
  sandboxed worker it runs in, with its wire;
- ``contract``: the spec, its cases and fixtures, regen and validate, the catalogue's data.
"""

from __future__ import annotations

import importlib
from typing import Any

# The public surface: what users and extension authors call. Each name is imported on first use
# (PEP 562), so `import conformance` stays cheap: pytest loads the plugin in every run, and a
# worker's interpreter imports this package too. Everything else is internal by its place.
_PUBLIC = {
    "check": "conformance.checking",  # judge functions from a notebook cell: check(), check(f), check(f, strict=True)
    "CheckResult": "conformance.reports.check_result",  # what check() returns: .ok, .functions, HTML and text
    "grade": "conformance.grading.grade",  # grade a class: grade(submissions, out, suite=...)
    "GradeError": "conformance.grading.options",
    "Harness": "conformance.judging.harness",  # judge one target's items without pytest
    "Verdict": "conformance.judging.verdict", "Finding": "conformance.judging.verdict",
    "Misconception": "conformance.judging.verdict",
    "SubmissionResult": "conformance.judging.scoring", "ItemResult": "conformance.judging.scoring",
    "IsolatedTarget": "conformance.running.isolation",  # a target run in a sandboxed worker
    "LocalTarget": "conformance.running.local",  # ... or in this process
    "load_suite": "conformance.contract.spec.loading",  # a suite's contract
    "load_all": "conformance.contract.spec.loading",
    "Suite": "conformance.contract.spec.model", "Spec": "conformance.contract.spec.model",
    "SpecError": "conformance.contract.spec.problems",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'conformance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
