"""Loading a suite's function files: each parsed, checked against ``spec/schema.json`` (skipped
for a file that passed before on this machine, see validated.py), then checked for what the
schema cannot express (symbols defined, names resolvable, ids unique), all problems at once."""

from __future__ import annotations

import json
from pathlib import Path

from conformance.contract import paths, validated
from conformance.contract.shapes import symbols_in
from conformance.contract.spec.model import Spec, Suite
from conformance.contract.spec.problems import SpecError, SpecProblem, schema_problems
from conformance.contract.spec.suites import SUITE_FILE, suite_infos, suite_names


def semantic_problems(spec: Spec) -> list[SpecProblem]:
    """What the schema cannot express: symbols defined, names resolvable, ids unique."""
    data, file = spec.data, str(spec.file)
    problems: list[SpecProblem] = []
    defined = set(data["dims"])

    def check_shape(shape, where):
        missing = symbols_in(shape) - defined
        if missing:
            problems.append(SpecProblem(file, where, f"shape symbol(s) {sorted(missing)} never defined in $.dims "
                                                     f"(defined: {sorted(defined)})"))

    for sym, rng in data["dims"].items():
        if isinstance(rng["max"], str) and rng["max"] not in defined:
            problems.append(SpecProblem(file, f"$.dims.{sym}.max", f"symbol {rng['max']!r} is not a dimension"))
    for i, param in enumerate(data["parameters"]):
        if "shape" in param:
            check_shape(param["shape"], f"$.parameters[{i}].shape")
        for name, fld in param.get("fields", {}).items():
            check_shape(fld["shape"], f"$.parameters[{i}].fields.{name}.shape")
    for i, item in enumerate(data["returns"]["items"]):
        if "shape" in item:
            check_shape(item["shape"], f"$.returns.items[{i}].shape")

    if spec.cache_flag and [i["kind"] for i in data["returns"]["items"]][-1:] != ["cache"]:
        problems.append(SpecProblem(file, "$.returns.items", f"the flag {spec.cache_flag!r} returns the cache last: "
                                                              f"the last returns item must be of kind cache"))
    if spec.cache_flag and data["parameters"][-1]["name"] != spec.cache_flag:
        problems.append(SpecProblem(file, "$.parameters", f"the flag {spec.cache_flag!r} is passed by position "
                                                          f"after the others: it must be the last parameter"))
    expected_file = (data["suite"], data["function"])
    if (spec.file.parent.name, spec.file.stem) != expected_file:
        problems.append(SpecProblem(file, "$.function", f"file should be spec/{expected_file[0]}/{expected_file[1]}.json"))

    forward = spec.forward_spec()
    forward_file = spec.file.parent / f"{spec.backward['forward']}.json" if spec.backward else None
    if spec.backward is not None and forward is None and not (forward_file and forward_file.is_file()):
        problems.append(SpecProblem(file, "$.backward.forward",
                                    f"no function {spec.backward['forward']!r} in suite {data['suite']!r}"))
    input_paths = [d.path for d in spec.inputs] if (spec.backward is None or forward) else []
    output_names = [o["name"] for o in data["returns"]["items"]]
    seen_ids: set[str] = set()
    for c, case in enumerate(data["cases"]):
        where = f"$.cases[{c}]"
        if case["id"] in seen_ids:
            problems.append(SpecProblem(file, f"{where}.id", f"duplicate case id {case['id']!r}"))
        seen_ids.add(case["id"])
        needed = set().union(*(symbols_in(d.shape) for d in spec.inputs)) if input_paths else set()
        missing = needed - set(case["dims"])
        if missing:
            problems.append(SpecProblem(file, f"{where}.dims", f"missing dims {sorted(missing)}"))
        drawn = [d["input"] for d in case["draws"]]
        for d, path in enumerate(drawn):
            if input_paths and path not in input_paths:
                problems.append(SpecProblem(file, f"{where}.draws[{d}].input",
                                            f"expected one of {input_paths}, found {path!r}"))
        for path in input_paths:
            count = drawn.count(path)
            if count != 1:
                problems.append(SpecProblem(file, f"{where}.draws",
                                            f"input {path!r} is drawn {count} times, expected exactly once"))
        for v, pub in enumerate(case.get("published", {}).get("values", [])):
            if pub["output"] not in output_names:
                problems.append(SpecProblem(file, f"{where}.published.values[{v}].output",
                                            f"expected one of {output_names}, found {pub['output']!r}"))
    return problems


def load_suite(name: str, spec_root: Path | None = None, trust_validated: bool = True) -> Suite:
    """Load and check every spec file of one suite; raise SpecError listing all problems.

    Schema validation (~0.5 s for both suites) is skipped for a file whose bytes, with the
    schema's, passed it before on this machine (validated.py keeps their digests);
    ``trust_validated=False`` validates every file (``rnn-conformance validate`` does).
    """
    root = spec_root or paths.spec_dir()
    schema_bytes = (root / "schema.json").read_bytes()
    schema = json.loads(schema_bytes)
    known = validated.digests() if trust_validated else set()
    passed: list[str] = []
    problems: list[SpecProblem] = []
    try:
        info = suite_infos(root, trust_validated)[name]
    except KeyError:
        problems.append(SpecProblem(str(root / name / SUITE_FILE), "$", "no such file: a suite folder needs one "
                                                                        "(see spec/suite.schema.json)"))
        info = None
    except SpecError as exc:
        problems += exc.problems
        info = None
    suite = Suite(name, {}, info)
    files = sorted(f for f in (root / name).glob("*.json") if f.name != SUITE_FILE)
    if not files:
        raise SpecError([SpecProblem(str(root / name), "$", "no spec files found")])
    for file in files:
        text = file.read_bytes()
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "$"
            problems.append(SpecProblem(str(file), where, getattr(exc, "msg", str(exc))))
            continue
        digest = validated.digest(schema_bytes, text)
        found = [] if digest in known else schema_problems(data, schema, str(file))
        problems += found
        if not found:
            suite.specs[data["function"]] = Spec(data, file)
            passed.append(digest)
    for spec in suite.specs.values():
        spec.suite = suite
    for spec in suite.specs.values():
        problems += semantic_problems(spec)
    if problems:
        raise SpecError(problems)
    validated.remember(set(passed) - known)
    return suite


def load_all(spec_root: Path | None = None) -> dict[str, Suite]:
    return {name: load_suite(name, spec_root) for name in suite_names(spec_root)}
