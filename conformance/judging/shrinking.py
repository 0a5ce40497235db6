"""The smallest failing case: a visible failing case's dims shrunk while the target still fails
the same way, as hypothesis shrinks (all dims to their minimum at once, then each dim in turn:
its minimum, half, one less), keeping a change only when it still fails the same way, until no
single dim can drop or the time budget is spent.

"The same way": the same outcome, the same wrong outputs and the same known-mistake ids (or none
on both), so the smallest case's diagnosis agrees with the full case's. Inputs come from the
case's recipe (same seed, same draws) at the smaller dims; expected values from the oracle here.
Only a spec's visible cases are shrunk: a hidden case's inputs are never printed.
The target is judged through the harness (``judge``), never by a second judging path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from conformance.contract.recipe import build_inputs
from conformance.contract.spec import Spec
from conformance.judging.verdict import Verdict

DEFAULT_BUDGET_S = 1.0  # per failing function
MAX_PRINTED = 64  # elements: an array larger than this is shown by its shape only
MAX_CASE_PRINTED = 200  # elements of all inputs together: a larger case is named, not printed

# (verdict, the target's outputs by name or None, expected outputs by name) of one shrunk case
Judged = tuple[Verdict, "dict[str, Any] | None", "dict[str, np.ndarray]"]


class NotACase(Exception):
    """Inputs the contract does not cover at these dims (the oracle itself cannot run them, e.g.
    indices written out for a larger vocabulary): not a case to try."""


def signature(verdict: Verdict) -> tuple:
    """What "fails the same way" compares: outcome, the wrong outputs (as a set), the ids."""
    return verdict.outcome, tuple(sorted(verdict.wrong_outputs)), tuple(sorted(verdict.ids))


@dataclass
class Smallest:
    """The smallest case found. shrunk: False when no smaller case fails the same way (it is
    the original case). complete: False when shrinking stopped early: the budget ran out, or a
    smaller case hung or killed the worker (never waited out twice)."""

    case: str
    dims: dict[str, int]
    original: dict[str, int]
    inputs: dict[str, np.ndarray]
    expected: dict[str, np.ndarray]  # the wrong outputs only
    got: dict[str, Any]
    attempts: int
    complete: bool
    shrunk: bool
    rerun: str = ""
    call: str = ""  # how the function is called on ``inputs``, as a student writes it
    stopped: str = ""  # why shrinking stopped early (complete False): "time budget", "worker"

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "dims": dict(self.dims), "original_dims": dict(self.original),
                "shrunk": self.shrunk, "complete": self.complete, "stopped": self.stopped, "attempts": self.attempts,
                "inputs": {k: literal(v, exact=True) for k, v in self.inputs.items()},
                "expected": {k: literal(v) for k, v in self.expected.items()},
                "got": {k: literal(v) for k, v in self.got.items()}, "call": self.call, "rerun": self.rerun}

    def lines(self) -> list[str]:
        """The case as a student pastes it into a cell: dims, inputs, the call, expected and got
        (the verdict's own last line reruns it: the item shows this case again)."""
        dims = ", ".join(f"{k}={v}" for k, v in self.dims.items())
        if self.shrunk:
            head = f"smallest failing case ({dims}; shrunk from {self.case}: " + \
                   ", ".join(f"{k}={v}" for k, v in self.original.items()) + ")"
        else:
            head = f"smallest failing case: {self.case} itself ({dims})" + \
                   ("; no smaller case fails the same way" if self.complete else "")
        if not self.complete:
            head += {"worker": " [shrinking stopped: a smaller case hung or ended the worker]"}.get(
                self.stopped, " [shrinking stopped at its time budget]")
        size = sum(np.size(v) for v in self.inputs.values())
        if size > MAX_CASE_PRINTED:  # a wall of digits helps no one: the rerun shows this case
            return [head, f"    (its {size} input values are too many to print here: the rerun below runs this case)"]
        lines = [head, "    import numpy as np"]
        lines += [f"    {name} = {text}" for name, text in _assigned(self.inputs)]
        lines += [f"    {line}" for line in self.call.splitlines()]
        for k, v in self.expected.items():
            lines.append(f"    # {k}: expected {literal(v)}, got {literal(self.got[k]) if k in self.got else '(none)'}")
        return lines


def literal(value: Any, exact: bool = False) -> str:
    """A NumPy literal one can paste: np.array([[0.1, 0.2]]); a large array by its shape only.
    exact: every digit (an input: pasted, it must give the same failure); else 8 significant."""
    if not isinstance(value, np.ndarray):
        try:
            array = np.asarray(value)
        except Exception:  # noqa: BLE001 - a target may return anything
            return repr(value)[:80]
        if array.dtype == object:  # None, a list of arrays...: as Python writes it
            return repr(value)[:80]
        value = array
    if value.size > MAX_PRINTED:
        return f"<array of shape {value.shape}: too large to print>"
    body = repr(value.tolist()) if exact else np.array2string(value, separator=", ", precision=8,
                                                              threshold=MAX_PRINTED + 1, max_line_width=10**6)
    dtype = {"f": "", "b": ", dtype=bool"}.get(value.dtype.kind, f", dtype=np.{value.dtype.name}")
    return f"np.array({body}{dtype})"


def _assigned(inputs: Mapping[str, np.ndarray]) -> list[tuple[str, str]]:
    """Inputs by variable, every digit: a dict argument's fields (``parameters.Wax``) gathered
    into one dict."""
    out: dict[str, list[str]] = {}
    plain: set[str] = set()
    for path, value in inputs.items():
        name, _, fld = path.partition(".")
        out.setdefault(name, []).append(f"{fld!r}: {literal(value, exact=True)}" if fld else literal(value, exact=True))
        plain |= set() if fld else {name}
    return [(k, v[0] if k in plain else "{" + ", ".join(v) + "}") for k, v in out.items()]


def call_text(spec: Spec) -> str:
    """The call of the function on the printed inputs, e.g. ``dxt, ... = f(da_next, cache)``,
    after the line that builds a backward's cache."""
    def args(s: Spec) -> str:
        return ", ".join("True" if p["kind"] == "flag" else p["name"] for p in s.parameters
                         if p["kind"] != "flag" or p.get("returns_cache"))
    lines = []
    forward = spec.forward_spec()
    if forward is not None:
        cache = next(p["name"] for p in spec.parameters if p["kind"] == "cache")
        outs = [cache if o["kind"] == "cache" else "_" for o in forward.outputs_with_cache]
        whose = "a right forward's cache (the suite's layout)" if spec.backward["cache"] == "suite" else "your forward's cache"
        lines.append(f"{', '.join(outs)} = {forward.function}({args(forward)})  # {whose}")
    outputs = ", ".join(o["name"] for o in spec.outputs if o["kind"] != "cache")
    if spec.returns["kind"] == "dict":
        outputs = "grads"
    lines.append(f"{outputs} = {spec.function}({args(spec)})")
    return "\n".join(lines)


def _bounds(spec: Spec) -> dict[str, tuple[int, int | str]]:
    return {sym: (r["min"], r["max"]) for sym, r in spec.data["dims"].items()}


def _valid(dims: Mapping[str, int], bounds: Mapping[str, tuple[int, int | str]]) -> bool:
    """At least each dim's minimum, and within a bound that names another dim (``T_back <= T_x``).
    A numeric maximum bounds the random cases' draws only: a fixture case may exceed it (the
    course's published m=10), and a shrunk dim never grows."""
    for sym, value in dims.items():
        lo, hi = bounds.get(sym, (1, value))
        if value < lo or (isinstance(hi, str) and value > dims.get(hi, value)):
            return False
    return True


def candidates(dims: Mapping[str, int], bounds: Mapping[str, tuple[int, int | str]]) -> list[dict[str, int]]:
    """Smaller dims to try from ``dims``, boldest first: every dim at its minimum, every dim
    halved, then each dim alone at its minimum, at half, one less (each valid, each different
    from ``dims``)."""
    lows = {sym: bounds.get(sym, (1, 0))[0] for sym in dims}
    found = [dict(lows), {sym: (value + lows[sym]) // 2 for sym, value in dims.items()}]
    for sym, value in dims.items():
        for smaller in (lows[sym], (value + lows[sym]) // 2, value - 1):
            found.append({**dims, sym: smaller})
    seen, out = set(), []
    for cand in found:
        key = tuple(cand.items())
        if key not in seen and cand != dict(dims) and _valid(cand, bounds) \
                and all(cand[s] <= dims[s] for s in dims):
            seen.add(key)
            out.append(cand)
    return out


@dataclass
class Shrinker:
    """Shrinks one case. judge(inputs) -> (verdict, got, expected); clock: seconds (injectable,
    so a test can spend the budget without waiting)."""

    spec: Spec
    judge: Callable[[dict[str, np.ndarray]], Judged]
    budget_s: float = DEFAULT_BUDGET_S
    clock: Callable[[], float] = time.perf_counter
    attempts: int = field(default=0, init=False)
    stopped: str = field(default="", init=False)

    def _try(self, case: Mapping, dims: Mapping[str, int]) -> tuple[dict[str, np.ndarray], Judged] | None:
        try:
            inputs = build_inputs(self.spec, case, dims)
        except (ValueError, IndexError):  # a draw whose values or rows fix a size: not at these dims
            return None
        self.attempts += 1
        try:
            return inputs, self.judge(inputs)
        except NotACase:
            return None

    def shrink(self, case: Mapping, verdict: Verdict) -> Smallest | None:
        """The smallest case that fails as ``verdict`` (the full case's) does, or None when the
        case's recipe does not reproduce that failure (then nothing is said)."""
        start = self.clock()
        want = signature(verdict)
        original = dict(case["dims"])
        first = self._try(case, original)
        if first is None or signature(first[1][0]) != want:
            return None
        best, best_dims, complete = first, original, True
        bounds = _bounds(self.spec)
        improved = True
        while improved and complete:
            improved = False
            for cand in candidates(best_dims, bounds):
                if self.clock() - start >= self.budget_s:
                    complete, self.stopped = False, "time budget"
                    break
                tried = self._try(case, cand)
                if tried is not None and tried[1][0].exit:  # hung or killed its worker: not worth another
                    complete, self.stopped = False, "worker"
                    break
                if tried is not None and signature(tried[1][0]) == want:
                    best, best_dims, improved = tried, cand, True
                    break
        inputs, (found, got, expected) = best
        wrong = found.wrong_outputs
        return Smallest(case["id"], best_dims, original, inputs,
                        {k: expected[k] for k in wrong if k in expected},
                        {k: got[k] for k in wrong if got and k in got}, self.attempts, complete,
                        best_dims != original, call=call_text(self.spec), stopped=self.stopped)
