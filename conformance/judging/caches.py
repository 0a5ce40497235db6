"""Compare a forward's cache with the layout its spec prescribes (a backward fed the suite's
cache, ``"cache": "suite"``, unpacks it, so the layout is part of the contract).

The spec's cache output names its elements in order (``"layout"``): a string names one element
(``"parameters"`` is the weights dict, anything else an array), ``{"list_of": "<cell forward>"}``
is a list with one cell cache per time step, each laid out as that cell forward's cache::

    rnn_cell_forward  -> (a_next, a_prev, xt, parameters)
    lstm_cell_forward -> (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    rnn_forward / lstm_forward -> ([list of cell caches], x)

A target's cache is walked against the oracle's for the same inputs (``expected_cache``). A
list is accepted for a tuple (``a, b = cache`` unpacks both); a dict may carry more keys than
the oracle's, and the spec's aliases for the oracle's (seed 000's U, W, V). Problems say where
(``caches[0][1][3]``, as a student indexes it), what (``c_prev of step 2's cache``) and why, in
one line each; elements in the wrong order and arrays overwritten after they were cached (a view
of a buffer the loop writes into later) are recognised as such. Values are judged by
compare.py's tolerance test. Steps are numbered from 1, as the course's t = 1..T_x.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from conformance.contract import calling
from conformance.contract.spec import Spec, Suite, alias_table
from conformance.judging import compare

MAX_PROBLEMS = 5
KINDS = ("structure", "alias", "shape", "value")  # also the order problems are reported in
PARTNERS = {"a_prev": "a_next", "a_next": "a_prev", "c_prev": "c_next", "c_next": "c_prev"}
COPY_HINT = ("it looks like a view of an array that was overwritten later (e.g. `c_next = c[:, :, 0]`, "
             "then `c[:, :, t] = ...`, or a buffer updated in place): cache a copy (`.copy()`)")

Layout = list  # of str | {"list_of": str}
Candidate = tuple[str, str, Any]  # (label, path, expected value) of a neighbouring element


@dataclass(frozen=True)
class CacheProblem:
    """One thing wrong in a cache. path: as a student indexes it (``caches[0][1][3]``);
    label: what the layout calls it (``c_prev of step 2's cache``); kind: one of KINDS;
    message: one line, expected vs got."""

    path: str
    label: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path} ({self.label}): {self.message}"


def cache_layout(forward: Spec) -> Layout | None:
    """The layout of ``forward``'s cache output, or None if the spec prescribes none (a backward fed its own forward's)."""
    item = next((i for i in forward.outputs if i["kind"] == "cache"), None)
    return item.get("layout") if item else None


def layout_text(layout: Layout) -> str:
    """A layout as the course prints it: ``(a_next, a_prev, xt, parameters)``."""
    names = [e if isinstance(e, str) else f"[list of {e['list_of']} caches]" for e in layout]
    return "(" + ", ".join(names) + ")"


def expected_cache(forward: Spec, oracle_module: ModuleType, inputs: Mapping[str, np.ndarray]) -> Any:
    """The oracle's cache for a case's flat inputs (``xt``, ``parameters.Wax``...), e.g. for
    rnn_cell_forward the tuple (a_next (n_a, m), a_prev (n_a, m), xt (n_x, m), parameters).
    Inputs are copied; pass the inputs the target was called with (cast in float32 mode)."""
    return calling.build_cache(getattr(oracle_module, forward.function), forward, inputs)[1]


def cache_problems(forward: Spec, suite: Suite, got: Any, want: Any, rtol: float,
                   atol: float) -> list[CacheProblem]:
    """What is wrong in the target's cache ``got`` against the oracle's ``want`` (see
    expected_cache), most useful first, at most MAX_PROBLEMS; [] when it conforms or when the
    spec prescribes no layout. rtol, atol: the tolerance for every array element."""
    layout = cache_layout(forward)
    if not layout or _conforms(got, want, rtol, atol):
        return []
    walker = _Walker(suite, rtol, atol, alias_table(forward, "fields"))
    name = calling.cache_output_name(forward)
    with np.errstate(all="ignore"):
        found = walker.tuple(layout, got, want, name, "the cache", "", lambda _: [])
    found.sort(key=lambda p: KINDS.index(p.kind))  # stable: walk order within a kind
    return found[:MAX_PROBLEMS]


def _conforms(got: Any, want: Any, rtol: float, atol: float) -> bool:
    """The quick path for a right cache: the same tree as the oracle's (a list for a tuple, more
    dict keys allowed) with float64 arrays of the same shapes, all within tolerance, checked as
    one vector. False sends the cache to the detailed walk, which then says what is wrong."""
    got_leaves: list[np.ndarray] = []
    want_leaves: list[np.ndarray] = []
    done: set[tuple[int, int]] = set()  # (got, expected) pairs already gathered: the weights dict of every step

    def gather(g: Any, w: Any) -> bool:
        if (id(g), id(w)) in done:
            return True
        if isinstance(w, Mapping) or type(w) is np.ndarray:
            done.add((id(g), id(w)))
        if isinstance(w, (tuple, list)):
            return (isinstance(g, (tuple, list)) and len(g) == len(w)
                    and all(gather(a, b) for a, b in zip(g, w)))
        if isinstance(w, Mapping):
            return isinstance(g, Mapping) and all(k in g and gather(g[k], v) for k, v in w.items())
        w = np.asarray(w)
        if type(g) is not np.ndarray or g.dtype != w.dtype or g.shape != w.shape or w.dtype != np.float64:
            return False
        got_leaves.append(g.ravel())
        want_leaves.append(w.ravel())
        return True

    if not gather(got, want) or not want_leaves:
        return False
    with np.errstate(all="ignore"):
        return compare.violations(np.concatenate(got_leaves), np.concatenate(want_leaves), rtol, atol) is None


def _type_of(value: Any) -> str:
    if value is None:
        return "None"
    if type(value).__name__ == "Handle" and hasattr(value, "type_name"):  # isolated, not by value
        return f"a {value.type_name} kept in the worker"
    return type(value).__name__


def _float64(value: Any) -> np.ndarray | None:
    arr = compare.as_numeric_array(value)
    return None if isinstance(arr, str) else arr.astype(np.float64)


class _Walker:
    def __init__(self, suite: Suite, rtol: float, atol: float, field_aliases: Mapping[str, list[str]]):
        self.suite, self.rtol, self.atol = suite, rtol, atol
        self.field_aliases = field_aliases
        self._plain: dict[str, CacheProblem] = {}  # path -> the value problem an alias problem replaced

    # ------------------------------------------------------------ dispatch
    def node(self, item: str | dict, got: Any, want: Any, path: str, label: str,
             neighbours: Callable[[str], list[Candidate]]) -> list[CacheProblem]:
        if isinstance(item, dict):
            return self.steps(item["list_of"], got, want, path)
        if item == "parameters":
            return self.params(got, want, path, label)
        return self.array(got, want, path, label, lambda: neighbours(item))  # listed only if it differs

    def same(self, item: str | dict, got: Any, want: Any) -> bool:
        """Whether ``got`` holds ``want``'s values (dtype and extra dict keys aside): the quick test
        used to recognise an element found at another position."""
        if isinstance(item, dict):
            layout = cache_layout(self.suite.specs[item["list_of"]])
            return (isinstance(got, (list, tuple)) and len(got) == len(want)
                    and all(self.same_tuple(layout, g, w) for g, w in zip(got, want)))
        if item == "parameters":
            return isinstance(got, Mapping) and all(
                (key := self._key(got, k)) is not None and self.same_array(got[key], v) for k, v in want.items())
        return self.same_array(got, want)

    def same_tuple(self, layout: Layout, got: Any, want: Any) -> bool:
        return (isinstance(got, (list, tuple)) and len(got) == len(layout)
                and all(self.same(i, g, w) for i, g, w in zip(layout, got, want)))

    def same_array(self, got: Any, want: Any) -> bool:
        arr, want = _float64(got), np.asarray(want, dtype=np.float64)
        return arr is not None and arr.shape == want.shape and compare.violations(arr, want, self.rtol, self.atol) is None

    # ------------------------------------------------------------- tuples
    def tuple(self, layout: Layout, got: Any, want: Any, path: str, label: str, where: str,
              neighbours: Callable[[str], list[Candidate]]) -> list[CacheProblem]:
        """A tuple laid out as ``layout``; where: " of step 2's cache" for the elements' labels."""
        expected = f"expected a tuple of {len(layout)}: {layout_text(layout)}"
        if not isinstance(got, (list, tuple)):
            alone = [n for i, n in zip(layout, want) if self.same(i, got, n)]
            why = f", got {_type_of(got)}" + (": only one of its elements? return the whole tuple" if alone else "")
            return [CacheProblem(path, label, "structure", expected + why)]
        if len(got) != len(layout):
            return [CacheProblem(path, label, "structure", f"{expected}, got {len(got)} items"
                                 + self._explain_length(layout, got, want))]
        found = [self.node(item, g, w, f"{path}[{i}]", (item if isinstance(item, str) else "the list of cell caches")
                           + (where if isinstance(item, str) else ""), neighbours)
                 for i, (item, g, w) in enumerate(zip(layout, got, want))]
        swapped = self._permutation(layout, got, want, [i for i, f in enumerate(found) if f])
        if swapped:
            return [CacheProblem(path, label, "structure", f"elements in the wrong order: {swapped}; "
                                                           f"expected {layout_text(layout)}")]
        right = [i for i, (item, f) in enumerate(zip(layout, found)) if not f and item not in ("parameters",)
                 and isinstance(item, str)]
        if not right:  # nothing of this tuple is right (a shifted or wrong step): no view to blame
            found = [[self._plain.get(p.path, p) for p in f] for f in found]
        return [p for f in found for p in f]

    def _explain_length(self, layout: Layout, got: Any, want: Any) -> str:
        """Which element is missing or extra, when the items present match expected ones in order."""
        names = [item if isinstance(item, str) else "the list of caches" for item in layout]
        whole = [i for i, (item, w) in enumerate(zip(layout, want)) if not isinstance(item, str) and self.same(item, got, w)]
        if whole:
            others = ", ".join(n for j, n in enumerate(names) if j != whole[0])
            return f": {names[whole[0]]} alone, without {others}"
        hits, start = [], 0
        for g in got:
            j = next((j for j in range(start, len(layout)) if self.same(layout[j], g, want[j])), None)
            if j is None:
                return ""
            hits.append(j)
            start = j + 1
        missing = [names[j] for j in range(len(layout)) if j not in hits]
        return f" ({', '.join(names[j] for j in hits)}): {', '.join(missing)} missing" if missing else ""

    def _permutation(self, layout: Layout, got: Any, want: Any, bad: list[int]) -> str:
        """When the wrong positions hold each other's expected elements: which, as words; else ""."""
        if len(bad) < 2:
            return ""
        options = {i: [j for j in bad if j != i and self.same(layout[j], got[i], want[j])] for i in bad}
        chosen: dict[int, int] = {}

        def assign(k: int) -> bool:
            if k == len(bad):
                return True
            for j in options[bad[k]]:
                if j not in chosen.values():
                    chosen[bad[k]] = j
                    if assign(k + 1):
                        return True
                    del chosen[bad[k]]
            return False

        if not assign(0):
            return ""
        name = {j: layout[j] if isinstance(layout[j], str) else "the list of caches" for j in bad}
        if len(bad) == 2:
            i, j = bad
            return f"{name[i]} and {name[j]} are swapped (positions {i} and {j})"
        return ", ".join(f"position {i} holds {name[chosen[i]]}" for i in bad)

    # -------------------------------------------------------------- steps
    def steps(self, cell: str, got: Any, want: list, path: str) -> list[CacheProblem]:
        """A list of cell caches, one per time step, each laid out as ``cell``'s cache."""
        layout = cache_layout(self.suite.specs[cell])
        label = "the list of cell caches"
        expected = f"expected a list of {len(want)} {cell} caches (one per time step)"
        if not isinstance(got, (list, tuple)):
            return [CacheProblem(path, label, "structure", f"{expected}, got {_type_of(got)}")]
        if len(got) != len(want):
            return [CacheProblem(path, label, "structure", f"{expected}, got {len(got)} items")]

        def neighbours_at(t: int) -> Callable[[str], list[Candidate]]:
            def candidates(name: str) -> list[Candidate]:
                """Same field at other steps and its prev/next partner, nearest first."""
                out = []
                for s in sorted(range(len(want)), key=lambda s: (abs(s - t), s)):
                    for field in (PARTNERS.get(name), name):
                        if field in layout and (s, field) != (t, name):
                            k = layout.index(field)
                            out.append((f"{field} of step {s + 1}'s cache", f"{path}[{s}][{k}]", want[s][k]))
                return out
            return candidates

        found = [self.tuple(layout, g, w, f"{path}[{t}]", f"step {t + 1}'s cache", f" of step {t + 1}'s cache",
                            neighbours_at(t)) for t, (g, w) in enumerate(zip(got, want))]
        order = self._step_order(layout, got, want, found)
        if order:
            return [CacheProblem(path, label, "structure", f"the cell caches are in the wrong order: {order}")]
        if len(found) > 1 and all(len(f) == 1 and f[0].kind == "structure" and f[0].message == found[0][0].message
                                  for f in found):  # the same layout mistake at every step: say it once
            return [CacheProblem(found[0][0].path, "every step's cache", "structure", found[0][0].message)]
        return [p for f in found for p in f]

    def _step_order(self, layout: Layout, got: list, want: list, found: list[list[CacheProblem]]) -> str:
        bad = [t for t, f in enumerate(found) if f]
        hits = {t: next((s for s in bad if s != t and self.same_tuple(layout, got[t], want[s])), None) for t in bad}
        if len(bad) < 2 or None in hits.values() or len(set(hits.values())) != len(bad):
            return ""
        return ", ".join(f"position {t} holds step {hits[t] + 1}'s cache" for t in bad)

    # -------------------------------------------------------- dict, array
    def _key(self, got: Mapping, key: str) -> str | None:
        return next((k for k in [key, *self.field_aliases.get(key, [])] if k in got), None)

    def params(self, got: Any, want: Mapping, path: str, label: str) -> list[CacheProblem]:
        """The weights dict: the oracle's keys (or their aliases) must be there; more are fine."""
        if not isinstance(got, Mapping):
            return [CacheProblem(path, label, "structure",
                                 f"expected the parameters dict (keys {', '.join(want)}), got {_type_of(got)}")]
        keys = {k: self._key(got, k) for k in want}
        missing = [k for k, found in keys.items() if found is None]
        if missing:
            return [CacheProblem(path, label, "structure", f"the dict lacks key(s) {missing}; it has "
                                                           f"{sorted(map(str, got))}")]
        return [p for k, found in keys.items()
                for p in self.array(got[found], want[k], f"{path}['{found}']", label.replace("parameters", f"parameters['{found}']", 1), list)]

    def array(self, got: Any, want: Any, path: str, label: str,
              neighbours: Callable[[], list[Candidate]]) -> list[CacheProblem]:
        arr, want = compare.as_numeric_array(got), np.asarray(want)
        if isinstance(arr, str):
            return [CacheProblem(path, label, "structure", f"expected an array of shape {want.shape}, got {_type_of(got)}")]
        if arr.shape != want.shape:
            hint = compare.shape_hint(arr.shape, want.shape)
            return [CacheProblem(path, label, "shape", f"expected shape {want.shape}, got {arr.shape}"
                                 + (f" — hint: {hint}" if hint else ""))]
        if want.dtype.kind == "f" and (arr.dtype.kind != "f" or arr.dtype.itemsize < want.dtype.itemsize):
            return [CacheProblem(path, label, "value", f"expected dtype {want.dtype}, got {arr.dtype}: the backward "
                                                      f"would compute with {'truncated' if arr.dtype.kind != 'f' else 'less precise'} values")]
        got64, want64 = arr.astype(np.float64), want.astype(np.float64)
        found = compare.violations(got64, want64, self.rtol, self.atol)
        if found is None:
            return []
        bad, _, worst = found
        plain = CacheProblem(path, label, "value", f"{int(bad.sum())} of {want.size} elements differ "
                                                   f"(tolerance {self.atol:g} + {self.rtol:g}*|expected|), "
                                                   + compare.worst_element(got64, want64, worst))
        for other, where, value in neighbours():
            if self.same_array(got, value):
                self._plain[path] = plain
                return [CacheProblem(path, label, "alias", f"holds the value expected of {other} ({where}): {COPY_HINT}")]
        return [plain]
