"""Load the JSON spec: schema validation, semantic checks, and a small read-only model.

A suite is a folder ``spec/<suite>/``: a ``suite.json`` (see ``spec/suite.schema.json``:
its description, the oracle module that computes it, its layout, aliases and detection
hints) and one ``<function>.json`` per function (see ``spec/schema.json``). The suites are
whatever folders hold a ``suite.json``: nothing in this package names one. Problems are
reported as :class:`SpecProblem` (file, JSON path, message) so a person can go straight
to the broken line; :class:`SpecError` carries a list of them.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from conformance.contract import paths, validated
from conformance.contract.shapes import symbols_in

SUITE_FILE = "suite.json"
SUITE_SCHEMA = "suite.schema.json"
ARRAY_KINDS = ("array", "int_array", "bool_mask")


@dataclass(frozen=True)
class SpecProblem:
    file: str
    json_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.json_path}: {self.message}"


class SpecError(Exception):
    """One or more problems in the spec; ``str()`` lists them, one per line."""

    def __init__(self, problems: list[SpecProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class InputDecl:
    """One array a case supplies: ``xt``, or a dict field such as ``parameters.Wax``."""

    path: str
    kind: str  # array | int_array | bool_mask
    shape: tuple
    dtype: str  # float | int | bool


@dataclass
class Spec:
    """One function's contract, as loaded from its JSON file."""

    data: dict[str, Any]
    file: Path
    suite: "Suite | None" = field(default=None, repr=False)
    # Items' inputs and expected outputs once loaded (conformance.contract.cases): a grader forked after
    # loading them shares them with every grading process.
    loaded: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def function(self) -> str:
        return self.data["function"]

    @property
    def suite_name(self) -> str:
        return self.data["suite"]

    @property
    def parameters(self) -> list[dict]:
        return self.data["parameters"]

    @property
    def returns(self) -> dict:
        return self.data["returns"]

    @property
    def outputs(self) -> list[dict]:
        """What a plain call returns: every returns item, but the cache of a function that returns
        it only when asked (see :attr:`cache_flag`)."""
        items = self.returns["items"]
        return [item for item in items if item["kind"] != "cache"] if self.cache_flag else items

    @property
    def outputs_with_cache(self) -> list[dict]:
        """What a call that builds a backward's cache returns: every returns item."""
        return self.returns["items"]

    @cached_property
    def cache_flag(self) -> str | None:
        """The flag parameter (e.g. ``return_cache``) that is passed as true only when a backward
        needs this function's cache, or None when the cache is always returned (or never)."""
        return next((p["name"] for p in self.parameters if p["kind"] == "flag" and p.get("returns_cache")), None)

    @property
    def cases(self) -> list[dict]:
        return self.data["cases"]

    @property
    def backward(self) -> dict | None:
        return self.data.get("backward")

    @property
    def points(self) -> float:
        return self.data["points"]

    def case(self, case_id: str) -> dict:
        for case in self.cases:
            if case["id"] == case_id:
                return case
        raise KeyError(f"{self.function} has no case {case_id!r}")

    def forward_spec(self) -> "Spec | None":
        """For a backward function, the spec of the forward that builds its cache."""
        if self.backward is None or self.suite is None:
            return None
        return self.suite.specs.get(self.backward["forward"])

    def own_inputs(self) -> list[InputDecl]:
        """The arrays this function itself takes (dict fields flattened, caches excluded)."""
        decls = []
        for param in self.parameters:
            if param["kind"] in ARRAY_KINDS:
                decls.append(InputDecl(param["name"], param["kind"], tuple(param["shape"]), param["dtype"]))
            elif param["kind"] == "dict":
                for name, fld in param["fields"].items():
                    decls.append(InputDecl(f"{param['name']}.{name}", "array", tuple(fld["shape"]), "float"))
        return decls

    @cached_property
    def inputs(self) -> list[InputDecl]:
        """Every array a case must draw: for a backward, the forward's inputs come first."""
        forward = self.forward_spec()
        own = self.own_inputs()
        if forward is None:
            return own
        own_paths = {d.path for d in own}
        return [d for d in forward.own_inputs() if d.path not in own_paths] + own

    def output(self, name: str) -> dict:
        for item in self.outputs:
            if item["name"] == name:
                return item
        raise KeyError(f"{self.function} has no output {name!r}")

    def tolerance(self, output_name: str, dtype: str) -> dict[str, float]:
        """rtol/atol for one output in one dtype mode: the output's own, else the function's."""
        own = self.output(output_name).get("tolerances")
        return (own or self.data["tolerances"])[dtype]

    def case_key(self, case_id: str) -> str:
        return f"{self.suite_name}/{self.function}/{case_id}"


@dataclass(frozen=True)
class SuiteInfo:
    """A suite's ``suite.json``: what it is, which oracle module computes it, how to spot it."""

    name: str
    description: str
    oracle: str  # the adapter module's import name, e.g. "oracle.torch_suite"
    order: int  # suites are listed (reports, ``list``) by this, then by name
    layout: Mapping[str, str] = field(default_factory=dict)  # axis order, gate packing: for people
    aliases: tuple[str, ...] = ()  # other names ``--suite`` accepts
    imports: tuple[str, ...] = ()  # detection hint: a target importing one of these leans to this suite
    tensors: str | None = None  # "torch": a target written with that framework's tensors is called with them


@dataclass
class Suite:
    name: str
    specs: dict[str, Spec]
    info: SuiteInfo | None = None

    def __iter__(self) -> Iterator[Spec]:
        return iter(self.specs[name] for name in sorted(self.specs))

    @property
    def oracle(self) -> ModuleType:
        """The oracle adapter module that computes this suite (suite.json's ``oracle``)."""
        return importlib.import_module(self.info.oracle) if self.info else oracle_module(self.name)


# ---------------------------------------------------------------------------- loading

def load_schema(spec_root: Path | None = None) -> dict:
    root = spec_root or paths.spec_dir()
    return json.loads((root / "schema.json").read_text())


def _json_path(error_path) -> str:
    out = "$"
    for part in error_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def schema_problems(data: Any, schema: dict, file: str) -> list[SpecProblem]:
    """Every schema violation in one spec document, as file + JSON path + message."""
    import jsonschema  # here: ~0.1 s to import, and a known file is not validated again

    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        # For oneOf/anyOf the deepest sub-error usually says the most.
        best = jsonschema.exceptions.best_match([error])
        problems.append(SpecProblem(file, _json_path(best.absolute_path), best.message))
    return problems


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


def suite_names(spec_root: Path | None = None) -> tuple[str, ...]:
    """Every suite under the spec folder, in their order (suite.json's ``order``, then name)."""
    return tuple(suite_infos(spec_root))


def suite_infos(spec_root: Path | None = None, trust_validated: bool = True) -> dict[str, SuiteInfo]:
    """{suite name: its suite.json}, in suite order: every folder of the spec root holding a
    ``suite.json``. Raises SpecError naming each broken suite.json (schema-checked as
    :func:`load_suite` checks function files)."""
    return _suite_infos(Path(spec_root or paths.spec_dir()).resolve(), trust_validated)


@functools.lru_cache(maxsize=8)  # asked by every CLI command and harness; the files do not change while we run
def _suite_infos(root: Path, trust_validated: bool) -> dict[str, SuiteInfo]:
    schema_bytes = (root / SUITE_SCHEMA).read_bytes()
    known = validated.digests() if trust_validated else set()
    infos, problems, passed = [], [], []
    for file in sorted(root.glob(f"*/{SUITE_FILE}")):
        text = file.read_bytes()
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            problems.append(SpecProblem(str(file), "$", getattr(exc, "msg", str(exc))))
            continue
        digest = validated.digest(schema_bytes, text)
        found = [] if digest in known else schema_problems(data, json.loads(schema_bytes), str(file))
        if not found and data["name"] != file.parent.name:
            found.append(SpecProblem(str(file), "$.name", f"the folder is {file.parent.name!r}: a suite's name is "
                                                          f"its folder's"))
        problems += found
        if found:
            continue
        passed.append(digest)
        detection = data.get("detection", {})
        infos.append(SuiteInfo(data["name"], data["description"], data["oracle"], data["order"],
                               dict(data.get("layout", {})), tuple(data.get("aliases", ())),
                               tuple(detection.get("imports", ())), data.get("tensors")))
    if problems:
        raise SpecError(problems)
    validated.remember(set(passed) - known)
    return {info.name: info for info in sorted(infos, key=lambda i: (i.order, i.name))}


def suite_order(names) -> list[str]:
    """``names`` in suite order (suite.json's ``order``); names of no suite last, by name."""
    known = suite_names()
    return sorted(set(names), key=lambda n: (known.index(n) if n in known else len(known), n))


def resolve_suite_name(name: str, spec_root: Path | None = None) -> str:
    """A suite's name from its name or one of its aliases (case-insensitive); ValueError
    listing the suites when none fits."""
    infos = suite_infos(spec_root)
    for info in infos.values():
        if name.lower() in (info.name.lower(), *(a.lower() for a in info.aliases)):
            return info.name
    known = ", ".join(f"{i.name}" + (f" (or {', '.join(i.aliases)})" if i.aliases else "") for i in infos.values())
    raise ValueError(f"no suite {name!r}; the suites are: {known}")


def oracle_module(suite_name: str, spec_root: Path | None = None) -> ModuleType:
    """The oracle adapter module that computes ``suite_name`` (suite.json's ``oracle``)."""
    return importlib.import_module(suite_infos(spec_root)[suite_name].oracle)


def oracle_for(spec: Spec) -> ModuleType:
    """The oracle module that computes ``spec``'s function: its suite's."""
    return spec.suite.oracle if spec.suite is not None else oracle_module(spec.suite_name)


def alias_table(spec: Spec, section: str) -> Mapping[str, list[str]]:
    return spec.data.get("aliases", {}).get(section, {})
