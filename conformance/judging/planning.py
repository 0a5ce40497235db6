"""Planning a suite's items: which items there are, in which order they run, which target
functions each one calls, and the order the caller announced (so a function's plain items can
be asked of an isolated target in one request).

Pure data about the suite and its cases: nothing here calls the target.
"""

from __future__ import annotations

from collections.abc import Sequence

from conformance.contract.cases import CaseRef, hidden_case_id
from conformance.contract.spec import Suite


def needs(suite: Suite, ref: CaseRef) -> set[str]:
    """The target functions an item calls: its own, and the forward whose cache or
    outputs it uses (a gradient check, or a backward fed the target's own cache)."""
    backward = suite.specs[ref.function].backward or {}
    if backward and (ref.kind == "gradcheck" or backward.get("cache") != "suite"):
        return {ref.function, backward["forward"]}
    return {ref.function}


def run_order(suite: Suite, refs: list[CaseRef]) -> list[CaseRef]:
    """``refs`` grouped by function, each function after the functions its items call (a
    gradient check calls the forward): a hanging forward then times out on a case of its own,
    not on a caller's item. Otherwise in the order given (stable)."""
    calls: dict[str, set[str]] = {}  # function -> the other functions its items call; first seen first
    for ref in refs:
        calls.setdefault(ref.function, set()).update(needs(suite, ref) - {ref.function})
    rank: dict[str, int] = {}

    def place(function: str, path: frozenset[str]) -> None:
        if function in rank or function in path:
            return
        for other in (f for f in calls if f in calls[function]):
            place(other, path | {function})
        rank[function] = len(rank)

    for function in calls:
        place(function, frozenset())
    return sorted(refs, key=lambda ref: rank[ref.function])


def items(suite: Suite, random_cases: int = 0) -> list[CaseRef]:
    """Every item of the suite: fixture cases, random cases, one gradient check per backward
    (or per function with a ``gradient_of_output``), in ``run_order``."""
    refs = []
    for spec in suite:
        refs += [CaseRef(spec.function, c["id"], "fixture") for c in spec.cases]
        refs += [CaseRef(spec.function, hidden_case_id(k), "random") for k in range(random_cases)]
        if spec.backward or spec.data.get("gradient_of_output"):
            refs.append(CaseRef(spec.function, "gradcheck", "gradcheck"))
    return run_order(suite, refs)


class Plan:
    """The order in which the caller said items will run (empty: not said)."""

    def __init__(self, refs: Sequence[CaseRef] = ()):
        self.order = list(refs)
        self.place = {ref.name: k for k, ref in enumerate(self.order)}  # item name -> its place in the order

    def run_from(self, ref: CaseRef) -> list[CaseRef]:
        """``ref`` and the planned items right after it of the same function, up to its gradient
        check; empty when ``ref`` is not planned."""
        if ref.name not in self.place:
            return []
        run = []
        for later in self.order[self.place[ref.name]:]:
            if later.function != ref.function or later.kind == "gradcheck":
                break
            run.append(later)
        return run
