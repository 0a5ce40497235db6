"""The catalogue of known mistakes (``spec/catalogue/``), loaded and checked.

``ids.json`` holds the stable ids with a title each; ``<suite>.json`` says, per id, which of
the suite's functions it applies to, the hint in the suite's own notation, and the evidence
that recognises it (see schema.json and conformance/judging/diagnose.py). Both are validated against
``schema.json``; an entry naming an unknown id or function, or a variant the oracle has no
switch for, is a SpecError like any spec problem.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from conformance.contract import paths, validated
from conformance.contract.spec import SpecError, SpecProblem, Suite

FOLDER = "catalogue"


@dataclass(frozen=True)
class Entry:
    """One id as it applies to one suite."""

    id: str
    title: str
    functions: tuple[str, ...]
    hint: str
    evidence: tuple[dict, ...]


@dataclass(frozen=True)
class Catalogue:
    titles: dict[str, str]  # id -> title, every id
    entries: tuple[Entry, ...]  # of one suite

    def for_function(self, function: str) -> list[Entry]:
        return [e for e in self.entries if function in e.functions]


def _read(file: Path, schema: bytes, definition: str, problems: list[SpecProblem]) -> dict | None:
    """A catalogue file, checked against its schema unless these bytes passed before (validated.py)."""
    try:
        text = file.read_bytes()
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        problems.append(SpecProblem(str(file), "$", f"cannot read: {exc}"))
        return None
    digest = validated.digest(schema + definition.encode(), text)
    if digest in validated.digests():
        return data
    import jsonschema  # here: ~0.1 s to import, and a known file is not validated again

    validator = jsonschema.Draft202012Validator({**json.loads(schema), "$ref": f"#/$defs/{definition}"})
    found = [SpecProblem(str(file), "$" + "".join(f"[{p!r}]" for p in e.absolute_path), e.message)
             for e in validator.iter_errors(data)]
    problems += found
    if not found:
        validated.remember({digest})
    return None if found else data


@functools.lru_cache(maxsize=8)
def _load(root: Path, suite_name: str, functions: tuple[str, ...]) -> Catalogue:
    folder = root / FOLDER
    schema = (folder / "schema.json").read_bytes()
    problems: list[SpecProblem] = []
    ids = _read(folder / "ids.json", schema, "ids", problems)
    file = folder / f"{suite_name}.json"
    data = _read(file, schema, "suite", problems) if file.is_file() else {"suite": suite_name, "entries": []}
    if ids is None or data is None:
        raise SpecError(problems)
    titles = {key: value["title"] for key, value in ids["ids"].items()}
    entries = []
    for n, raw in enumerate(data["entries"]):
        where = f"$['entries'][{n}]"
        if raw["id"] not in titles:
            problems.append(SpecProblem(str(file), where, f"unknown id {raw['id']!r} (not in ids.json)"))
        for function in raw["functions"]:
            if function not in functions:
                problems.append(SpecProblem(str(file), where, f"no function {function!r} in suite {suite_name}"))
        entries.append(Entry(raw["id"], titles.get(raw["id"], ""), tuple(raw["functions"]), raw["hint"],
                             tuple(raw["evidence"])))
    if problems:
        raise SpecError(problems)
    return Catalogue(titles, tuple(entries))


def titles(spec_root: Path | None = None) -> dict[str, str]:
    """Every id's title (for reports); {} when the catalogue cannot be read."""
    try:
        data = json.loads(((spec_root or paths.spec_dir()) / FOLDER / "ids.json").read_text())
        return {key: value["title"] for key, value in data["ids"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def profiles(spec_root: Path | None = None) -> dict[str, frozenset[str]]:
    """Profile name -> the ids whose findings only warn under it (ids.json); "strict" warns of none."""
    data = json.loads(((spec_root or paths.spec_dir()) / FOLDER / "ids.json").read_text())
    return {"strict": frozenset(), **{name: frozenset(p["warn"]) for name, p in data.get("profiles", {}).items()}}


def load(suite: Suite, spec_root: Path | None = None) -> Catalogue:
    """The catalogue's entries for ``suite``; raises SpecError naming every problem."""
    return _load((spec_root or paths.spec_dir()).resolve(), suite.name, tuple(suite.specs))
