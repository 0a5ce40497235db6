"""Notebooks in the dlai course's layout, written for the tests.

The course notebook ("Building your Recurrent Neural Network - Step by Step") opens with
markdown, then ``import numpy as np`` / ``from rnn_utils import *`` / ``from public_tests
import *`` (and, in older copies, ``%matplotlib inline`` and autoreload magics). Each graded
function has its own cell, followed by a cell that tries it on random inputs, prints, and calls
the course's test (``rnn_cell_forward_tests(rnn_cell_forward)``). ``course_notebook``
lays a .py implementation out that way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

HEADER = ["import numpy as np", "from rnn_utils import *", "from public_tests import *",
          "%matplotlib inline", "%load_ext autoreload", "%autoreload 2"]


def write_notebook(path: Path, cells: list[tuple[str, str]], version: int = 4) -> Path:
    """Write cells ("code" | "markdown", source) as a notebook; returns ``path``."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    notebook.cells = [make[kind](source) for kind, source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path), version=version)
    return path


def top_level_blocks(source: str) -> list[tuple[str, str]]:
    """(kind, text) of a .py file's top-level statements: "def" for functions, else "other"."""
    lines = source.split("\n")
    blocks = []
    for node in ast.parse(source).body:
        start = (node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno) - 1
        kind = "def" if isinstance(node, ast.FunctionDef) else "other"
        blocks.append((kind, "\n".join(lines[start:node.end_lineno])))
    return blocks


def course_notebook(source: str, extras: bool = True) -> list[tuple[str, str]]:
    """The cells of a course-layout notebook holding ``source``'s code.

    extras: also the course's header imports and magics, a test cell after each function
    (random inputs, a print, the course's test call), and one cell that does not parse and
    defines no suite function. The notebook's final state then equals ``source`` plus
    ``from rnn_utils import *`` at the top."""
    cells: list[tuple[str, str]] = [("markdown", "# Building your Recurrent Neural Network - Step by Step\n\n"
                                                 "Welcome to Course 5's first assignment!")]
    if extras:
        cells.append(("code", "\n".join(HEADER)))
    for kind, text in top_level_blocks(source):
        if kind != "def":
            cells.append(("code", text))
            continue
        name = ast.parse(text).body[0].name
        cells += [("markdown", f"### `{name}`\n\nImplement the function below."), ("code", text)]
        if extras:
            cells.append(("code", f"np.random.seed(1)\nxt_tmp = np.random.randn(3, 10)\n"
                                  f"print(\"{name} defined\")\n{name}_test({name})"))
    if extras:
        cells.append(("code", "# scratch work that never ran\ndef half_done(x:\n    return x\n"))
    return cells
