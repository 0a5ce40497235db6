"""The course's helper modules, supplied when a submission imports one it did not hand in.

The deeplearning.ai notebook starts with ``from rnn_utils import *``: ``rnn_utils.py`` is the course's
file, beside the notebook, and many students hand in the notebook alone. When such an
import finds no module, ``SuppliedHelpers`` (last on ``sys.meta_path``, so a file the
submission did hand in always wins) gives it this package's version, and the functions
that came from it are reported as supplied and not judged (they are not the student's):
``supplied_for`` tells which, from the files alone.

The supplied softmax is column-wise and shifts each column by its own max: the course's
own shifts by the max of the whole array, which underflows to 0/0 when one column's
scores are ~1000 below another's (see tests/targets/); a student should not
lose points on their own functions for the course's helper.
"""

from __future__ import annotations

import ast
import functools
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

# module name -> source. Kept as text: the worker cannot read this package's files.
SOURCES = {
    "rnn_utils": '''"""The deeplearning.ai course's rnn_utils helpers, supplied by rnn-conformance."""
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
            spec = getattr(sys.modules.get(name), "__spec__", None)
            if spec is not None and isinstance(spec.loader, SuppliedHelpers):
                del sys.modules[name]


def helper_functions(module: str) -> set[str]:
    """The functions a supplied helper module defines."""
    return {node.name for node in ast.parse(SOURCES[module]).body if isinstance(node, ast.FunctionDef)}


def supplied_for(file: str | None) -> dict[str, str]:
    """{name: helper module} for the target file's top-level names that come from a course
    helper module it imports and that was not handed in beside it.

    Decided here, in the grader, from the files: never from what the target's process says
    (it runs the student's code, which could say anything). A name counts when the code
    imports it from the helper (``from rnn_utils import *`` or by name) and does not define it
    itself; a student who writes ``softmax`` = anything then has it skipped, which is no more
    than importing the course's gives."""
    try:
        stat = os.stat(file) if file else None
    except OSError:
        stat = None
    if stat is None or not os.path.isfile(file):
        return {}
    path = Path(file)
    helper_imports, defined = _imports_and_definitions(str(file), stat.st_mtime_ns, stat.st_size)
    imported: dict[str, str] = {}
    for module, names in helper_imports:
        if (path.parent / f"{module}.py").exists() or (path.parent / module).is_dir():
            continue  # handed in: the student's own module
        for name, asname in names:
            found = helper_functions(module) if name == "*" else {asname or name}
            if name == "*" or name in helper_functions(module):
                imported.update({n: module for n in found})
    return {name: module for name, module in imported.items() if name not in defined}


@functools.lru_cache(maxsize=8)  # asked by the harness and for the load notes: the file is parsed once
def _imports_and_definitions(file: str, mtime_ns: int, size: int) -> tuple[list, frozenset[str]]:
    """([(course helper module, [(name, as name)])] imported at top level, the top-level names defined)."""
    path = Path(file)
    if path.suffix == ".ipynb":
        from conformance.running.notebook import python_source

        source = python_source(path)
    else:
        source = path.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], frozenset()
    imports, defined = [], set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in SOURCES:
            imports.append((node.module, [(alias.name, alias.asname) for alias in node.names]))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return imports, frozenset(defined)
