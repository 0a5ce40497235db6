"""The suites: every folder of the spec root holding a ``suite.json`` (see
``spec/suite.schema.json``: its description, the oracle module that computes it, its layout,
aliases and detection hints). Nothing in this package names a suite: they are found here, in
their order, by name or alias, with the oracle module of each."""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from conformance.contract import paths, validated
from conformance.contract.spec.problems import SpecError, SpecProblem, schema_problems

SUITE_FILE = "suite.json"
SUITE_SCHEMA = "suite.schema.json"


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


def suite_names(spec_root: Path | None = None) -> tuple[str, ...]:
    """Every suite under the spec folder, in their order (suite.json's ``order``, then name)."""
    return tuple(suite_infos(spec_root))


def suite_infos(spec_root: Path | None = None, trust_validated: bool = True) -> dict[str, SuiteInfo]:
    """{suite name: its suite.json}, in suite order: every folder of the spec root holding a
    ``suite.json``. Raises SpecError naming each broken suite.json (schema-checked as
    ``load_suite`` checks function files)."""
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
