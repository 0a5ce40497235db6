"""What is wrong with a spec file, and where: ``SpecProblem`` (file, JSON path, message),
``SpecError`` carrying a list of them, and the JSON Schema check that finds most of them
(``spec/schema.json`` for a function's file, ``spec/suite.schema.json`` for a suite's)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.contract import paths


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
