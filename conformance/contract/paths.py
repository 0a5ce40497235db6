"""Where the spec and the fixtures live: a source checkout, or the installed wheel.

In a checkout (plain or editable install) they are the top-level ``spec/`` and
``fixtures/`` folders, so a developer's ``rnn-conformance regen`` shows in ``git diff``.
A built wheel carries copies under ``conformance/_data/``; those are read-only to us.
"""

from __future__ import annotations

import functools
from pathlib import Path

CODE_SUFFIXES = (".py", ".ipynb")  # the files that hold a submission's code
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # conformance/, above this layer
_CHECKOUT = _PACKAGE_DIR.parent


def may_be_module_name(name: str) -> bool:
    """``pkg.mod`` may name a module; ``./alice``, ``~/x``, ``rnn.py`` or ``my-rnn`` cannot."""
    return not name.lower().endswith(CODE_SUFFIXES) and all(part.isidentifier() for part in name.split("."))


@functools.cache  # asked once per item: the answer does not change while we run
def is_source_checkout() -> bool:
    """True when running from a repository checkout (its ``pyproject.toml`` beside ``spec/``)."""
    return (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "spec" / "schema.json").is_file()


def data_root() -> Path:
    """The folder holding ``spec/`` and ``fixtures/``."""
    return _CHECKOUT if is_source_checkout() else _PACKAGE_DIR / "_data"


def spec_dir() -> Path:
    return data_root() / "spec"


def fixtures_dir() -> Path:
    return data_root() / "fixtures"
