"""Notebooks as targets: what a notebook defines, without running what it does.

nbformat reads the notebook (version 4; older versions are converted, and said so). Code
cells are taken in order, and of each cell:

- IPython syntax is dropped: line magics and shell lines (``%matplotlib inline``,
  ``!pip install ...``, ``x = !ls``, ``np.dot?``), and whole cells under a cell magic
  (``%%writefile``, ``%%bash``...), except ``%%time``/``%%timeit``/``%%capture``, whose body
  is Python;
- of its top-level statements, only imports, function and class definitions and simple
  constant assignments (``n_a = 5``, ``EPS = 1e-8``: no calls, no indexing) are run. Training
  loops, plots and the notebook's own test calls are not;
- a cell that does not parse is cut into its top-level blocks and each block that parses is
  kept: a syntax error costs only the block it is in. A suite function whose own definition
  does not parse is reported missing, with the error (``broken``).

Each statement runs on its own, in order, in one module namespace, so the last definition
of a name wins, as in the notebook's final state. An import or constant assignment that
fails is skipped and noted (e.g. ``from public_tests import *`` when the course's test file
was not handed in). Statements are compiled with the file name ``<notebook>, cell <n>`` and
the cell's own line numbers (cells counted from 1, markdown cells included), so a traceback
points into the notebook.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

MAX_NOTEBOOK_BYTES = 32 << 20  # a notebook with its outputs; the code itself is far smaller
PYTHON_CELL_MAGICS = ("time", "timeit", "capture", "prun")  # their cell body is ordinary Python
# A line IPython, not Python, understands: magic, shell escape, assignment from either, help.
_IPYTHON_LINE = re.compile(r"^(\s*)(?:[%!]|[\w.]+\s*=\s*[%!]|[\w.]+\s*\?{1,2}\s*$|\?)")
# Node types of a "simple constant": literals, names, attributes and arithmetic; no calls.
_CONSTANT_NODES = (ast.Constant, ast.Name, ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict,
                   ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.operator, ast.unaryop, ast.boolop, ast.expr_context)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# A column-0 line that continues the block above it rather than starting a new one.
_CONTINUES = re.compile(r"^(?:else\b|elif\b|except\b|finally\b|case\b|[)\]}]|#)")


class NotebookError(Exception):
    """The notebook cannot be judged at all; ``str()`` is one line."""


@dataclass
class Statement:
    """One top-level statement to run: its cell (counted from 1) and its AST."""

    cell: int
    node: ast.stmt


@dataclass
class Extracted:
    """What a notebook defines. ``notes``: what was left out or converted, for the report;
    ``broken``: definitions (by name) whose code does not parse -> where and why."""

    path: str
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)


def cell_filename(path: str, cell: int) -> str:
    """The file name a notebook cell's code is compiled with (and tracebacks show)."""
    return f"{path}, cell {cell}"


def is_cell_of(filename: str, path: str) -> bool:
    return filename.startswith(f"{path}, cell ")


def read_cells(path: str | Path) -> tuple[list[tuple[int, str]], list[str]]:
    """The notebook's code cells as (cell number, source), and notes on its format.
    Raises NotebookError (one line) when it is not a notebook at all."""
    import nbformat  # imported here: only notebooks pay for it (~0.2 s)

    path = Path(path)
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB; clear its outputs "
                                f"(Kernel > Restart & Clear Output) and hand it in again")
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise NotebookError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    try:
        version = json.loads(text).get("nbformat")
    except Exception:  # noqa: BLE001 - not JSON, not an object, nested too deep: nbformat says which below
        version = None
    notes: list[str] = []
    captured: dict = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns about missing cell ids, which is not our business
            notebook = nbformat.reads(text, as_version=4, capture_validation_error=captured)
    except nbformat.reader.NotJSONError:
        raise NotebookError(f"{path.name} is not a notebook: its text is not JSON "
                            f"(was it saved from Jupyter?)") from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a broken file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"{path.name} is not a readable notebook: {first}") from None
    if isinstance(version, int) and version < 4:
        notes.append(f"{path.name} is an nbformat {version} notebook: converted to version 4 to be judged")
    if captured.get("ValidationError") is not None:
        first = str(captured["ValidationError"]).strip().splitlines()[0]
        notes.append(f"{path.name} does not validate as nbformat 4 ({first}); judged on its code cells")
    try:
        cells = [(k, _text(cell.get("source", ""))) for k, cell in enumerate(notebook.cells, start=1)
                 if cell.get("cell_type") == "code"]
    except (AttributeError, TypeError):
        raise NotebookError(f"{path.name} is not a readable notebook: its cells are not a list of cells") from None
    if not cells:
        raise NotebookError(f"{path.name} has no code cells: nothing to judge")
    return cells, notes


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _without_ipython(source: str) -> str | None:
    """The cell's Python, IPython lines blanked (line numbers kept); None for a non-Python cell magic."""
    lines = source.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        if first[2:].split(" ")[0] not in PYTHON_CELL_MAGICS:
            return None
        lines[[line.strip() for line in lines].index(first)] = ""
    # `pass` at the line's own indentation: a block whose only statement was a magic stays valid.
    return "\n".join(_IPYTHON_LINE.sub(r"\1pass  #", line) if _IPYTHON_LINE.match(line) else line
                     for line in lines)


def _blocks(source: str) -> list[tuple[int, str]]:
    """The source cut into top-level blocks, as (first line, text padded to keep line numbers).
    A block starts at a column-0 statement that neither continues the one above (``else:``,
    a closing bracket) nor follows a decorator."""
    lines = source.split("\n")
    starts, previous = [], ""
    for k, line in enumerate(lines):
        if not line[:1].strip() or line.startswith("#"):
            continue
        if not _CONTINUES.match(line) and not previous.startswith("@"):
            starts.append(k)
        previous = line
    blocks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(lines)
        blocks.append((start + 1, "\n" * start + "\n".join(lines[start:end])))
    return blocks


def _defined_name(text: str) -> str | None:
    match = re.search(r"^(?:async\s+)?(?:def|class)\s+(\w+)", text, re.MULTILINE)
    return match.group(1) if match else None


def _is_constant(node: ast.expr) -> bool:
    return all(isinstance(n, _CONSTANT_NODES) for n in ast.walk(node))


def _names_only(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(_names_only(t) for t in target.elts)


def is_kept(node: ast.stmt) -> bool:
    """Imports, definitions and simple constant assignments: what a notebook's final state
    defines. Everything else (calls, loops, plots, tests) is what it does, and is not run."""
    if isinstance(node, (ast.Import, ast.ImportFrom, *_DEFINITIONS)):
        return True
    if isinstance(node, ast.Assign):
        return all(_names_only(t) for t in node.targets) and _is_constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.value is not None and _is_constant(node.value)
    return False


def extract(path: str | Path, max_code_chars: int | None = None) -> Extracted:
    """The statements to run of the notebook at ``path`` (see the module docstring); with
    ``max_code_chars``, of its first code cells up to that much code only (a quick scan)."""
    cells, notes = read_cells(path)
    if max_code_chars is not None:
        sizes = [len(source) for _, source in cells]
        cells = [cell for k, cell in enumerate(cells) if sum(sizes[:k]) < max_code_chars]
    found = Extracted(str(path), notes=notes)
    not_run: dict[int, int] = {}
    for cell, source in cells:
        python = source if _parses(source) else _without_ipython(source)
        if python is None:
            found.notes.append(f"cell {cell}: {source.strip().splitlines()[0]} cell not run")
            continue
        for first_line, text in _parsed_or_blocks(python):
            try:
                tree = ast.parse(text, filename=cell_filename(found.path, cell))
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:  # costs only its block
                line = getattr(exc, "lineno", None) or first_line
                where = f"cell {cell}, line {line}: {type(exc).__name__}: {getattr(exc, 'msg', exc)}"
                name = _defined_name(text)
                if name:
                    found.broken[name] = where
                found.notes.append(f"{where} ({f'`{name}` not defined' if name else 'that code not run'})")
                continue
            for node in tree.body:
                if is_kept(node):
                    found.statements.append(Statement(cell, node))
                elif not isinstance(node, ast.Pass):  # a Pass stands in for a dropped IPython line
                    not_run[cell] = not_run.get(cell, 0) + 1
    for name in list(found.broken):  # defined correctly later on: the notebook's final state has it
        if any(isinstance(s.node, _DEFINITIONS) and s.node.name == name for s in found.statements):
            del found.broken[name]
    if not_run:
        found.notes.append(f"not run: {sum(not_run.values())} top-level statement(s) that do rather than define "
                           f"(calls, loops, tests, plots) in cell(s) {', '.join(map(str, sorted(not_run)))}")
    return found


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # ValueError: a NUL byte in the source
        return False


def _parsed_or_blocks(python: str) -> list[tuple[int, str]]:
    """The whole cell if it parses, else its top-level blocks (each parsed on its own)."""
    return [(1, python)] if _parses(python) else _blocks(python)


def _shown(node: ast.stmt) -> str:
    try:
        text = ast.unparse(node).splitlines()[0]
    except (RecursionError, MemoryError, IndexError):
        return type(node).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def run_into(found: Extracted, module: ModuleType) -> None:
    """Run the kept statements into ``module``; a failing import or assignment is skipped and
    noted. What a definition's body does runs only when it is called."""
    for statement in found.statements:
        try:
            code = compile(ast.Module(body=[statement.node], type_ignores=[]),
                           cell_filename(found.path, statement.cell), "exec")
            exec(code, module.__dict__)  # noqa: S102 - running the target's code is the point
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the notebook's error: skipped and noted
            found.notes.append(f"cell {statement.cell}, line {statement.node.lineno}: `{_shown(statement.node)}` "
                               f"raised {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}; skipped")


def python_source(path: str | Path, max_code_chars: int | None = None) -> str:
    """The kept code of the notebook as one Python text (for text scans and fingerprints);
    '' if it cannot be read."""
    try:
        found = extract(path, max_code_chars)
        return "\n\n".join(ast.unparse(s.node) for s in found.statements)
    except Exception:  # noqa: BLE001 - the grader's scan of an untrusted file must never stop a run
        return ""
