"""Symbolic shapes: ``["n_a", "m"]``, ``["D", "4*H"]``, ``["n_a", "n_a+n_x"]``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

ShapeItem = int | str

_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def symbols_in(shape: Sequence[ShapeItem]) -> set[str]:
    """Every dimension symbol a symbolic shape mentions."""
    found: set[str] = set()
    for item in shape:
        if isinstance(item, str):
            found.update(_SYMBOL.findall(item))
    return found


def evaluate_dim(item: ShapeItem, dims: Mapping[str, int]) -> int:
    """One shape item as an integer: a literal, a symbol, or sums of products ("4*H", "n_a+n_x")."""
    if isinstance(item, int):
        return item
    total = 0
    for term in item.split("+"):
        product = 1
        for factor in term.split("*"):
            product *= int(factor) if factor.isdigit() else dims[factor]
        total += product
    return total


def resolve(shape: Sequence[ShapeItem], dims: Mapping[str, int]) -> tuple[int, ...]:
    """A symbolic shape made concrete with a case's dims. Raises KeyError on an unknown symbol."""
    return tuple(evaluate_dim(item, dims) for item in shape)


def describe(shape: Sequence[ShapeItem]) -> str:
    """``(n_a, m)`` — for messages."""
    return "(" + ", ".join(str(item) for item in shape) + ("," if len(shape) == 1 else "") + ")"
