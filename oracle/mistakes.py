"""Known mistakes, switched on one at a time, so the oracle computes what a student who made
that mistake gets (conformance.judging.diagnose compares that with the target's outputs).

A switch point in the oracle reads ``mistake("<catalogue id>")``: the form of the mistake
that is switched on (e.g. ``"whole"`` for a softmax over the whole array), or ``""``. Off,
which is always the case outside ``switched_on``, every switch point is the canonical
formula: fixtures, published values and the crosschecks never see a switch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_ACTIVE: ContextVar[tuple[str, str]] = ContextVar("oracle_mistake", default=("", ""))


def mistake(mistake_id: str) -> str:
    """The form of ``mistake_id`` switched on, or "" (the canonical formula)."""
    active, form = _ACTIVE.get()
    return form if active == mistake_id else ""


def active() -> str:
    """The id of the mistake switched on, or "": asked once per call by a fast path that has no
    switch points (oracle/fused.py) before it takes the place of the step-by-step one."""
    return _ACTIVE.get()[0]


@contextmanager
def switched_on(mistake_id: str, form: str) -> Iterator[None]:
    """Within the block, the oracle makes mistake ``mistake_id`` in its form ``form``."""
    token = _ACTIVE.set((mistake_id, form))
    try:
        yield
    finally:
        _ACTIVE.reset(token)
