"""Which spec files passed the JSON schema before, on this machine, so that a start need not
validate them again (jsonschema over both suites costs ~0.5 s, most of a student's run).

A file is known by the sha256 of the schema's bytes and its own: any edit to either is a
new digest, validated in full. The digests live in ``$XDG_CACHE_HOME/rnn-conformance/``
(default ``~/.cache/rnn-conformance/``; ``RNN_CONFORMANCE_CACHE`` names another folder, and
``RNN_CONFORMANCE_CACHE=off`` turns the cache off). A cache that cannot be read or written is
no cache: everything is validated, nothing fails. ``rnn-conformance validate`` never trusts it.
Only schema validation is skipped; the semantic checks (symbols, names, ids) always run.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

FILE = "validated-specs.txt"
KEEP = 2000  # digests kept (most recent last): a few spec versions of both suites


def folder() -> Path | None:
    chosen = os.environ.get("RNN_CONFORMANCE_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rnn-conformance"


def digest(schema: bytes, spec_file: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(schema).digest() + spec_file).hexdigest()


def digests() -> set[str]:
    where = folder()
    try:
        return set((where / FILE).read_text().split()) if where else set()
    except (OSError, UnicodeDecodeError):
        return set()


def remember(new: set[str]) -> None:
    """Add digests that just passed validation (atomically: a concurrent reader sees old or new)."""
    where = folder()
    if not new or where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        kept = [d for d in _ordered(where / FILE) if d not in new] + sorted(new)
        with tempfile.NamedTemporaryFile("w", dir=where, delete=False, suffix=".tmp") as out:
            out.write("\n".join(kept[-KEEP:]) + "\n")
        os.replace(out.name, where / FILE)
    except OSError:
        pass


def _ordered(file: Path) -> list[str]:
    try:
        return file.read_text().split()
    except (OSError, UnicodeDecodeError):
        return []
