"""Fingerprints of function code, to recognise the reference implementation handed in.

Two views of "the same code", both blind to names, docstrings, comments, annotations,
formatting and line numbers:

- :func:`code_fingerprint` of a live function (bytecode, names, constants, nested code):
  the reference imported, or its installed source read and ``exec``'d, gives the reference's
  own fingerprint. Computed in the worker (it needs the live object), compared by the grader.
- :func:`source_fingerprints` of the functions a source file defines (its normalised AST):
  the reference pasted into a submission, reformatted or re-commented, still matches.

Short functions are not fingerprinted (``MIN_SIZE``): ``out = W[x]; return out, (x, W)`` is
what most people write, copied or not.
"""

from __future__ import annotations

import ast
import hashlib
import types
from typing import Any

MIN_SIZE = 40  # bytecode instructions, or AST nodes: below this, identical code proves nothing


def code_fingerprint(fn: Any) -> str | None:
    """A digest of a Python function's code, or None (not a function, or too short)."""
    code = getattr(fn, "__code__", None)
    if not isinstance(code, types.CodeType) or len(code.co_code) // 2 < MIN_SIZE:
        return None
    digest = hashlib.sha256()

    def feed(c: types.CodeType) -> None:
        digest.update(c.co_code)
        digest.update(repr((c.co_names, c.co_varnames, c.co_argcount, c.co_kwonlyargcount)).encode())
        for const in c.co_consts:
            if isinstance(const, types.CodeType):
                feed(const)
            elif not (isinstance(const, str) and const == getattr(fn, "__doc__", None)):
                digest.update(repr(const).encode())

    feed(code)
    return digest.hexdigest()


class _Normalise(ast.NodeTransformer):
    """Drop what copying may change without changing the code: docstrings, annotations, names."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:] or [ast.Pass()]
        return ast.FunctionDef(name="_", args=node.args, body=body, decorator_list=[], returns=None,
                               type_comment=None, **({"type_params": []} if "type_params" in node._fields else {}))

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.arg(arg=node.arg, annotation=None, type_comment=None)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        self.generic_visit(node)
        if node.value is None:
            return ast.Pass()
        return ast.Assign(targets=[node.target], value=node.value, type_comment=None)


def source_fingerprints(source: str) -> dict[str, str]:
    """{function name: digest} for the top-level functions (and methods) of ``source`` that
    are long enough; {} if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            try:
                normal = _Normalise().visit(ast.parse(ast.unparse(node)).body[0])
            except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested too deep to compare
                continue
            if sum(1 for _ in ast.walk(normal)) >= MIN_SIZE:
                found[node.name] = hashlib.sha256(ast.dump(normal, include_attributes=False).encode()).hexdigest()
    return found
