"""Where a case's inputs and expected outputs come from: a fixture, or a fresh random case.

Random ("hidden") cases draw dims within the spec's ranges and inputs from a seed derived
from (random seed, suite, function, k), so every process, xdist worker included, builds
the same ones; their expected values are computed by the oracle here, in the harness.
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from conformance.contract import calling, fixtures, paths
from conformance.contract.recipe import build_inputs
from conformance.contract.spec import Spec, Suite, oracle_for

GRADCHECK_CASE = "random_a"  # small dims: finite differences cost 2 forward calls per element


@dataclass(frozen=True)
class CaseRef:
    """One item of a conformance run: a fixture case, a random case, or a gradient check."""

    function: str
    case_id: str
    kind: str  # "fixture" | "random" | "gradcheck"

    @property
    def name(self) -> str:
        return f"{self.function}[{self.case_id}]"


def stable_seed(*parts: object) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode())


HIDDEN_PREFIX = "hidden_"  # not "random_": the spec's visible cases are random_a, random_b...


def hidden_case_id(k: int) -> str:
    """The id of the k-th hidden random case (k from 0): hidden_1, hidden_2..."""
    return f"{HIDDEN_PREFIX}{k + 1}"


def hidden_index(case_id: str) -> int:
    """The k of a hidden case's id (inverse of hidden_case_id)."""
    return int(case_id[len(HIDDEN_PREFIX):]) - 1


def random_case(spec: Spec, random_seed: int, k: int) -> dict:
    """A case dict like the spec's own, with dims drawn within the spec's ranges."""
    seed = stable_seed(random_seed, spec.suite_name, spec.function, k)
    rng = np.random.RandomState(seed)
    ranges = spec.data["dims"]
    dims: dict[str, int] = {}
    for sym in sorted(ranges, key=lambda s: isinstance(ranges[s]["max"], str)):  # fixed maxima first
        lo, hi = ranges[sym]["min"], ranges[sym]["max"]
        hi = dims[hi] if isinstance(hi, str) else hi
        dims[sym] = int(rng.randint(lo, hi + 1))
    for sym, rng_ in ranges.items():  # e.g. a backward whose upstream covers every step in random cases
        if "random" in rng_:
            dims[sym] = dims[rng_["random"]]
    draws = []
    for decl in spec.inputs:
        if decl.dtype == "int":
            draws.append(_spec_draw_for(spec, decl.path))
        elif decl.dtype == "bool":
            draws.append({"input": decl.path, "fn": "mask", "p": 0.7})
        else:
            draws.append({"input": decl.path, "fn": "randn"})
    return {"id": hidden_case_id(k), "description": "hidden random case", "dims": dims, "seed": seed, "draws": draws}


def _spec_draw_for(spec: Spec, path: str) -> dict:
    """An integer input's randint draw (its range, e.g. [0, V)), taken from the spec's cases."""
    for case in spec.cases:
        for step in case["draws"]:
            if step["input"] == path and step["fn"] == "randint":
                return step
    raise ValueError(f"{spec.function}: no randint draw for integer input {path!r} in any case")


def load_inputs_and_expected(spec: Spec, ref: CaseRef, random_seed: int,
                             manifest: Mapping[str, str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(inputs by path, expected outputs by name) for one item.

    Loaded (or computed by the oracle) once per spec object and kept in ``spec.loaded``: the
    arrays are shared and read-only; whoever hands them to a target copies them first.
    """
    _, inputs, expected = loaded_item(spec, ref, random_seed, manifest)
    return inputs, expected


def loaded_item(spec: Spec, ref: CaseRef, random_seed: int,
                manifest: Mapping[str, str]) -> tuple[tuple, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """load_inputs_and_expected, with the key its data is kept under: equal keys, equal data (a
    rewritten fixture file or manifest entry gets a new key)."""
    key = _memo_key(spec, ref, random_seed, manifest)
    if key not in spec.loaded:
        spec.loaded[key] = tuple(_read_only(arrays) for arrays in _load(spec, ref, random_seed, manifest))
    inputs, expected = spec.loaded[key]
    return key, dict(inputs), dict(expected)


def _memo_key(spec: Spec, ref: CaseRef, random_seed: int, manifest: Mapping[str, str]) -> tuple:
    if ref.kind == "random":
        return "random", ref.case_id, random_seed
    case_id = GRADCHECK_CASE if ref.kind == "gradcheck" else ref.case_id
    file = _fixture_file(paths.fixtures_dir(), spec.suite_name, spec.function, case_id)
    try:
        stat = os.stat(file)
    except OSError:  # missing: load_case says so
        stat = None
    # a fixture rewritten, or a manifest that changed, is read again
    return ("fixture", case_id, file, stat and (stat.st_mtime_ns, stat.st_size), manifest.get(spec.case_key(case_id)))


@functools.lru_cache(maxsize=4096)  # asked twice per item and submission; pathlib's joins cost more than the stat
def _fixture_file(root: Path, suite: str, function: str, case_id: str) -> str:
    return str(fixtures.fixture_path_in(root, suite, function, case_id))


def _load(spec: Spec, ref: CaseRef, random_seed: int,
          manifest: Mapping[str, str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    if ref.kind == "random":
        case = random_case(spec, random_seed, hidden_index(ref.case_id))
        inputs = build_inputs(spec, case)
        outputs = calling.run(oracle_for(spec), spec, inputs)
        expected = {item["name"]: np.asarray(outputs[item["name"]]) for item in spec.outputs if item["kind"] != "cache"}
        return inputs, expected
    case_id = GRADCHECK_CASE if ref.kind == "gradcheck" else ref.case_id
    return fixtures.split(fixtures.load_case(spec, case_id, manifest))


def _read_only(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    for value in arrays.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return arrays


def preload(suite: Suite, refs: list[CaseRef], random_seed: int, manifest: Mapping[str, str]) -> None:
    """Load every item's data now: the fixtures at once (fixtures.read_suite), the random cases
    computed, so that grading processes forked later share them. An item whose data cannot be
    loaded (a missing or tampered fixture) is left to say so when it runs."""
    cases = fixtures.read_suite(list(suite), manifest)
    for ref in refs:
        spec = suite.specs[ref.function]
        case_id = GRADCHECK_CASE if ref.kind == "gradcheck" else ref.case_id
        if ref.kind != "random" and spec.case_key(case_id) in cases:
            key = _memo_key(spec, ref, random_seed, manifest)
            spec.loaded.setdefault(key, tuple(_read_only(a) for a in fixtures.split(cases[spec.case_key(case_id)])))
    for ref in refs:
        try:
            load_inputs_and_expected(suite.specs[ref.function], ref, random_seed, manifest)
        except Exception:  # noqa: BLE001 - reported by the item itself, with its name
            pass
