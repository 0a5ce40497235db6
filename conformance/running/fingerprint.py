"""Fingerprints of function code, to recognise the reference implementation handed in.

Two views of "the same code", both blind to names, docstrings, comments, annotations,
formatting and line numbers:

- ``code_fingerprint`` of a live function (bytecode, names, constants, nested code):
  the reference imported, or its installed source read and ``exec``'d, gives the reference's
  own fingerprint. Computed in the worker (it needs the live object), compared by the grader.
- ``source_fingerprints`` of the functions a source file defines (compiled without their
  docstrings): the reference pasted into a submission, reformatted or re-commented, still matches.

Short functions are not fingerprinted (``MIN_SIZE``): ``out = W[x]; return out, (x, W)`` is
what most people write, copied or not.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import types
from typing import Any

MIN_SIZE = 40  # bytecode instructions: below this, identical code proves nothing


def code_fingerprint(fn: Any) -> str | None:
    """A digest of a Python function's code, or None (not a function, or too short)."""
    code = getattr(fn, "__code__", None)
    if not isinstance(code, types.CodeType):
        return None
    return _code_digest(code, getattr(fn, "__doc__", None))


def _code_digest(code: types.CodeType, doc: str | None = None) -> str | None:
    """sha256 of bytecode, names and constants (nested code included; ``doc`` left out); None
    below MIN_SIZE instructions."""
    if len(code.co_code) // 2 < MIN_SIZE:
        return None
    digest = hashlib.sha256()

    def feed(c: types.CodeType) -> None:
        digest.update(c.co_code)
        digest.update(repr((c.co_names, c.co_varnames, c.co_argcount, c.co_kwonlyargcount)).encode())
        for const in c.co_consts:
            if isinstance(const, types.CodeType):
                feed(const)
            elif not (isinstance(const, str) and const == doc):
                digest.update(repr(const).encode())

    feed(code)
    return digest.hexdigest()


def source_fingerprints(source: str) -> dict[str, str]:
    """{function name: digest} for the functions (top-level, methods, nested) of ``source`` that
    are long enough; {} if it does not parse.

    The source is parsed once, the docstrings dropped, and each top-level statement compiled on
    its own (a notebook's cells joined may put a ``from __future__`` import anywhere): each
    function's code object is then fingerprinted as a live one would be. Bytecode is blind to
    formatting, comments and line numbers, and a function's annotations and decorators live in
    the code that defines it, not in its own.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    _drop_docstrings(tree.body)
    found: dict[str, str] = {}
    for statement in tree.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        try:
            code = compile(ast.Module(body=[statement], type_ignores=[]), "<submission>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for fn_code in _function_codes(code):
            digest = _code_digest(fn_code)
            if digest:
                found[fn_code.co_name] = digest  # a name defined twice: its last definition
    return found


def _drop_docstrings(body: list[ast.stmt]) -> None:
    """Remove the docstring of every function in ``body``, its classes and its functions."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_docstring(node.body[0]):
            node.body = node.body[1:] or [ast.copy_location(ast.Pass(), node.body[0])]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _drop_docstrings(node.body)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _function_codes(code: types.CodeType) -> list[types.CodeType]:
    """The code objects of the functions defined in ``code``, breadth first as ast.walk goes
    (so of two top-level definitions of a name the later one comes last); no lambdas or
    comprehensions (names starting with '<'); class bodies are walked, not returned."""
    out, queue = [], [code]
    while queue:
        for const in queue.pop(0).co_consts:
            if isinstance(const, types.CodeType):
                if const.co_flags & inspect.CO_OPTIMIZED and not const.co_name.startswith("<"):
                    out.append(const)
                queue.append(const)
    return out
