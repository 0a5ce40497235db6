"""The course's helper modules, supplied when a submission imports one it did not hand in.

The dlai notebook starts with ``from rnn_utils import *``: ``rnn_utils.py`` is the course's
file, beside the notebook, and many students hand in the notebook alone. When such an
import finds no module, :class:`SuppliedHelpers` (last on ``sys.meta_path``, so a file the
submission did hand in always wins) gives it this package's version, and the functions
that came from it are reported as supplied and not judged (they are not the student's).

The supplied softmax is column-wise and shifts each column by its own max: the course's
own shifts by the max of the whole array, which underflows to 0/0 when one column's
scores are ~1000 below another's (tests/targets/seed001_dlai.py); a student should not
lose points on their own functions for the course's helper.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

SUPPLIED_FLAG = "__rnn_conformance_supplied__"

# module name -> source. Kept as text: the worker cannot read this package's files.
SOURCES = {
    "rnn_utils": '''"""The dlai course's rnn_utils helpers, supplied by rnn-conformance."""
import numpy as np


def softmax(x):
    """Column-wise softmax of x (n_y, m): each column sums to 1."""
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def sigmoid(x):
    """Element-wise logistic function."""
    return 1 / (1 + np.exp(-x))
''',
}


class SuppliedHelpers(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the course helper modules of SOURCES when nothing else does."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name not in SOURCES:
            return None
        return importlib.machinery.ModuleSpec(name, self, origin=f"<supplied by rnn-conformance: {name}.py>")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        setattr(module, SUPPLIED_FLAG, True)
        exec(compile(SOURCES[module.__name__], module.__spec__.origin, "exec"), module.__dict__)  # noqa: S102


@contextmanager
def supplied_while_loading() -> Iterator[None]:
    """The helpers can be imported while the target loads, and only then: neither pytest's
    own imports nor the next submission graded in this process find them (the target's
    functions keep their module's globals)."""
    finder = SuppliedHelpers()
    sys.meta_path.append(finder)
    try:
        yield
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for name in SOURCES:
            if getattr(sys.modules.get(name), SUPPLIED_FLAG, False):
                del sys.modules[name]


def supplied_functions(module: ModuleType) -> dict[str, str]:
    """{public function of ``module``: the supplied module it came from}."""
    found = {}
    for name, value in vars(module).items():
        defined_in = getattr(value, "__globals__", None)
        if not name.startswith("_") and isinstance(defined_in, dict) and defined_in.get(SUPPLIED_FLAG):
            found[name] = defined_in["__name__"]
    return found
