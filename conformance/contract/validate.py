"""``rnn-conformance validate``: the spec, the fixtures and the published values agree.

Every problem names the file, a JSON path or array key, what was expected and what was
found. Nothing here stops at the first problem: a run reports them all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from conformance.contract import fixtures, paths, shapes
from conformance.contract.recipe import DTYPES, build_inputs
from conformance.contract.spec import Spec, SpecError, SpecProblem, Suite, load_suite, suite_infos

Problems = list[SpecProblem]


def published_slack(decimals: int, value: np.ndarray) -> np.ndarray:
    """Half a unit in the last printed digit, plus a few ulp for a different summation order."""
    return 0.5 * 10.0 ** -decimals + 64 * np.finfo(np.float64).eps * np.abs(value)


def resolve_published(spec: Spec, outputs: dict[str, np.ndarray], inputs: dict[str, np.ndarray],
                      output: str, index: list[int]) -> np.ndarray | int:
    """The fixture's value at ``output[index...]``; a cache with a suite-fixed layout is
    resolved through its layout (``caches[1]`` of rnn_forward is the input ``x``)."""
    item = spec.output(output)
    if item["kind"] != "cache":
        return np.asarray(outputs[output])[tuple(index)]
    layout = item.get("layout")
    if not layout or not index:
        raise KeyError(f"output {output!r} is an opaque cache: a published value cannot index into it")
    entry = layout[index[0]]
    if not isinstance(entry, str):
        raise KeyError(f"{output}[{index[0]}] is a list of caches: not stored in fixtures")
    source = outputs.get(entry, inputs.get(entry))
    if source is None:
        raise KeyError(f"{output}[{index[0]}] is {entry!r}, which is neither an input nor an output array")
    return np.asarray(source)[tuple(index[1:])]


def check_case(spec: Spec, case: dict, manifest: dict[str, str], root: Path | None = None) -> Problems:
    file = str(spec.file)
    c = spec.cases.index(case)
    where = f"$.cases[{c}]"
    key = spec.case_key(case["id"])
    path = fixtures.fixture_path(spec, case["id"], root)
    try:
        arrays = fixtures.read_fixture(path)
    except fixtures.FixtureError as exc:
        return [SpecProblem(file, where, str(exc))]
    problems: Problems = []
    found_sum = fixtures.content_checksum(arrays)
    if key not in manifest:
        problems.append(SpecProblem(file, where, f"no checksum recorded for {key} in spec/{fixtures.MANIFEST}"))
    elif manifest[key] != found_sum:
        problems.append(SpecProblem(file, where, f"fixture {path} has checksum {found_sum[:16]}…, "
                                                 f"spec/{fixtures.MANIFEST} records {manifest[key][:16]}… (tampered or stale)"))
    dims = case["dims"]
    expected_keys = {f"in.{d.path}" for d in spec.inputs} | {f"out.{o['name']}" for o in spec.outputs if o["kind"] != "cache"}
    for missing in sorted(expected_keys - set(arrays)):
        problems.append(SpecProblem(file, where, f"fixture {path} lacks array {missing!r}"))
    for extra in sorted(set(arrays) - expected_keys):
        problems.append(SpecProblem(file, where, f"fixture {path} has unexpected array {extra!r}"))
    declared = {f"in.{d.path}": (d.shape, d.dtype) for d in spec.inputs}
    declared |= {f"out.{o['name']}": (tuple(o.get("shape", ())), "float") for o in spec.outputs if o["kind"] != "cache"}
    for name in sorted(expected_keys & set(arrays)):
        sym, dtype = declared[name]
        want = shapes.resolve(sym, dims)
        got = arrays[name]
        if got.shape != want:
            problems.append(SpecProblem(file, where, f"{path.name}[{name!r}]: expected shape {want} = "
                                                     f"{shapes.describe(sym)} for dims {dims}, found {got.shape}"))
        if got.dtype != np.dtype(DTYPES[dtype]):
            problems.append(SpecProblem(file, where, f"{path.name}[{name!r}]: expected dtype "
                                                     f"{np.dtype(DTYPES[dtype])}, found {got.dtype}"))
    inputs, outputs = fixtures.split(arrays)
    for path_, arr in build_inputs(spec, case).items():
        if path_ in inputs and not (inputs[path_].shape == arr.shape and np.array_equal(inputs[path_], arr)):
            problems.append(SpecProblem(file, where, f"{path.name}['in.{path_}'] is not what the case's recipe draws "
                                                     f"(recipe edited without `rnn-conformance regen`?)"))
    for v, pub in enumerate(case.get("published", {}).get("values", [])):
        pwhere = f"{where}.published.values[{v}]"
        try:
            if "length" in pub:
                layout = spec.output(pub["output"]).get("layout")
                if layout is None or len(layout) != pub["length"]:
                    problems.append(SpecProblem(file, pwhere, f"len({pub['output']}) published as {pub['length']}, "
                                                              f"the spec's layout has {None if layout is None else len(layout)}"))
                continue
            got = np.asarray(resolve_published(spec, outputs, inputs, pub["output"], pub.get("index", [])), dtype=float)
        except (KeyError, IndexError) as exc:
            problems.append(SpecProblem(file, pwhere, f"cannot resolve: {exc}"))
            continue
        want = np.asarray(pub["value"], dtype=float)
        if got.shape != want.shape:
            problems.append(SpecProblem(file, pwhere, f"published shape {want.shape}, fixture gives {got.shape}"))
            continue
        off = np.abs(got - want) > published_slack(pub["decimals"], want)
        if off.any():
            i = tuple(int(k) for k in np.unravel_index(np.argmax(np.abs(got - want)), want.shape)) if want.ndim else ()
            at = "".join(f"[{k}]" for k in [*pub.get("index", []), *i])
            problems.append(SpecProblem(file, pwhere, f"{pub['output']}{at}: published {float(want[i])!r} "
                                                      f"(to {pub['decimals']} decimals), fixture has {float(got[i])!r}"))
    return problems


def orphan_problems(suites: dict[str, Suite], manifest: dict[str, str], root: Path | None = None,
                    spec_root: Path | None = None) -> Problems:
    """Fixture files and checksums that belong to no case (a renamed or deleted case)."""
    base = root or paths.fixtures_dir()
    manifest_file = str((spec_root or paths.spec_dir()) / fixtures.MANIFEST)
    known = {spec.case_key(c["id"]) for suite in suites.values() for spec in suite for c in spec.cases}

    def orphan(key: str) -> bool:  # a suite whose spec did not load has no known cases: say nothing
        return key not in known and key.split("/")[0] in suites
    problems = []
    for file in sorted(base.glob("*/*/*.npz")):
        if orphan(file.relative_to(base).with_suffix("").as_posix()):
            problems.append(SpecProblem(str(file), "$", "fixture belongs to no case in the spec (delete it or add the case)"))
    for key in sorted(filter(orphan, manifest)):
        problems.append(SpecProblem(manifest_file, f"$.{key}", "checksum for a case that does not exist"))
    return problems


def oracle_problems(suite: Suite) -> Problems:
    """The suite's oracle adapter (suite.json's ``oracle``) imports and computes every function."""
    where = str(suite.specs[next(iter(suite.specs))].file.parent / "suite.json")
    try:
        module = suite.oracle
    except Exception as exc:  # noqa: BLE001 - any import failure is the spec's problem to report
        return [SpecProblem(where, "$.oracle", f"cannot import {suite.info.oracle!r}: {type(exc).__name__}: {exc}")]
    return [SpecProblem(where, "$.oracle", f"{suite.info.oracle} has no function {spec.function!r}")
            for spec in suite if not callable(getattr(module, spec.function, None))]


def validate(spec_root: Path | None = None, root: Path | None = None) -> Problems:
    """Every problem with the spec and fixtures; an empty list means all is well."""
    problems: Problems = []
    suites: dict[str, Suite] = {}
    try:
        names = list(suite_infos(spec_root, trust_validated=False))
    except SpecError as exc:
        return exc.problems
    for name in names:
        try:
            suites[name] = load_suite(name, spec_root, trust_validated=False)
        except SpecError as exc:
            problems += exc.problems
    manifest = fixtures.load_manifest(spec_root)
    for suite in suites.values():
        problems += oracle_problems(suite)
        for spec in suite:
            for case in spec.cases:
                problems += check_case(spec, case, manifest, root)
    return problems + orphan_problems(suites, manifest, root, spec_root)
