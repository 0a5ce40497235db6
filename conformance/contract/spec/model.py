"""The read-only model of a loaded spec: ``Spec`` (one function's contract, as its JSON
file states it: parameters, returns, cases, tolerances, aliases), the arrays a case supplies
(``InputDecl``) and ``Suite`` (a suite's specs and its suite.json)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from conformance.contract.spec.suites import SuiteInfo, oracle_module

ARRAY_KINDS = ("array", "int_array", "bool_mask")


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
        it only when asked (see ``cache_flag``)."""
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


def oracle_for(spec: Spec) -> ModuleType:
    """The oracle module that computes ``spec``'s function: its suite's."""
    return spec.suite.oracle if spec.suite is not None else oracle_module(spec.suite_name)


def alias_table(spec: Spec, section: str) -> Mapping[str, list[str]]:
    return spec.data.get("aliases", {}).get(section, {})
