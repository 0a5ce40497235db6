"""Recognise the reference implementation handed in as a submission's own work.

A suite function "matches the reference" when the live function's code fingerprint (from
the worker, or computed here in-process) is that of an oracle function (imported, or its
source read and exec'd), or when its source in the submission file, normalised, is an
oracle function's (pasted, re-commented, reformatted). See fingerprint.py for what the
comparison ignores and why short functions are exempt.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import oracle
from conformance.running.fingerprint import code_fingerprint, source_fingerprints
from conformance.running.notebook import python_source


def _oracle_modules() -> list[ModuleType]:
    """Every module of the oracle package: the suites' adapters and what they share."""
    return [importlib.import_module(f"oracle.{info.name}") for info in pkgutil.iter_modules(oracle.__path__)]


@lru_cache(maxsize=1)
def oracle_prints() -> tuple[dict[str, str], dict[str, str]]:
    """(code fingerprint -> qualified name, source fingerprint -> qualified name) of every oracle function."""
    by_code, by_source = {}, {}
    for module in _oracle_modules():
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__:
                digest = code_fingerprint(fn)
                if digest:
                    by_code[digest] = f"{module.__name__}.{name}"
        for name, digest in source_fingerprints(Path(module.__file__).read_text()).items():
            by_source[digest] = f"{module.__name__}.{name}"
    return by_code, by_source


def matches(module: ModuleType | Any, file: str | None, functions: Iterable[str]) -> dict[str, str]:
    """{suite function: why it matches the reference} for the target's functions that do.
    The oracle's own files, judged on purpose (``pytest --target=oracle/<suite>.py --in-process``), are exempt."""
    oracle_dir = Path(oracle.__file__).resolve().parent
    if file and oracle_dir in Path(file).resolve().parents:
        return {}
    by_code, by_source = oracle_prints()
    live = getattr(module, "fingerprints", None)  # an isolated target reports what the worker computed
    if live is None:
        live = {name: code_fingerprint(getattr(module, name, None)) for name in functions}
    source: dict[str, str] = {}
    if file and file.endswith(".ipynb") and Path(file).is_file():
        source = source_fingerprints(python_source(file))
    elif file and file.endswith(".py") and Path(file).is_file():
        try:
            source = source_fingerprints(Path(file).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            source = {}
    found = {}
    for name in functions:
        if live.get(name) in by_code:
            found[name] = f"its code is the reference's `{by_code[live[name]]}`"
        elif source.get(name) in by_source:
            found[name] = f"its source is the reference's `{by_source[source[name]]}`, pasted"
    return found
