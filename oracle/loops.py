"""What the sequence backward functions of both suites share: the steps the loop visits,
the gradient carried back from the next step, the sums over time, and the initial state's
gradient. Each has its catalogue mistakes as switch points (oracle/mistakes.py)."""

from __future__ import annotations

import numpy as np

from oracle.mistakes import mistake

Gradients = dict[str, np.ndarray]


def backward_steps(T: int) -> list[int]:
    """The steps a backward loop visits: T-1 down to 0."""
    form = mistake("skipped-step") or mistake("backward-time-order")
    return {"last": list(range(T - 2, -1, -1)), "first": list(range(T - 1, 0, -1)),
            "forward": list(range(T))}.get(form, list(range(T - 1, -1, -1)))


def forward_steps(T: int) -> range:
    """The steps a forward loop visits: 0 to T-1 (a skipped step leaves its output zeros)."""
    form = mistake("skipped-step")
    return range(T - 1) if form == "forward-last" else range(1, T) if form == "forward-first" else range(T)


def carried(gradient: np.ndarray, which: str) -> np.ndarray:
    """The gradient carried back from the next step (``which``: hidden or cell)."""
    return 0.0 * gradient if mistake("gradient-not-carried") in (which, "both") else gradient


def accumulate(totals: Gradients, grads: Gradients) -> None:
    """Parameter gradients summed over time (``=`` instead of ``+=`` keeps the last step's; the
    form names the one overwritten, or "all"). Not in place: a wrongly shaped step gradient
    broadcasts, as ``dba = dba + ...`` does in a student's loop."""
    form = mistake("gradient-overwritten")
    for name in totals:
        if form in ("all", name):
            totals[name] = grads[name].copy()
        else:
            totals[name] = totals[name] + grads[name]


def step_slot(t: int) -> int:
    """Where step t's input gradient is stored (``t - 1`` is the index-offset mistake)."""
    return t - 1 if mistake("index-offset") == "dx-previous" else t


def step_cache(caches: list, t: int) -> object:
    """The cache of step t (``caches[t - 1]`` is the index-offset mistake; t = 0 wraps round)."""
    return caches[t - 1] if mistake("index-offset") == "cache-previous" else caches[t]


def initial_state_gradient(carried_back: np.ndarray, first_upstream: np.ndarray) -> np.ndarray:
    """da0: what the first step's backward passes back."""
    form = mistake("initial-state-gradient")
    return {"zero": 0.0 * carried_back, "first-upstream": first_upstream}.get(form, carried_back)
