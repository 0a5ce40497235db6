"""Which file of a submission to grade, and what to call the submission — without importing it.

A submission is a ``.py`` file, a notebook (``.ipynb``) or a folder. The rule for a folder
(top level only; files whose names start with ``.`` or ``_`` and anything under subfolders
are ignored):

1. exactly one ``.py`` or ``.ipynb`` file: that file;
2. otherwise, the only notebook whose code defines a function of the suite (the course's
   layout: the notebook, with the ``rnn_utils.py`` it imports beside it);
3. otherwise, the only ``.py`` file whose text defines a function of the suite
   (``def softmax(`` ... for ``--suite``, or of any suite when none is given), found by a
   plain text scan: the submission is never imported to choose;
4. none, or several such files: the submission is not graded, and its result says why
   and lists the candidates.

A ``__pycache__`` folder given as a submission (``submissions/*`` matches it) is skipped.

Names: a file's stem (``bob.py`` -> ``bob``), a folder's name (``alice/`` -> ``alice``),
made safe as a folder name and made unique in the run (``alice``, ``alice-2``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conformance.contract.paths import CODE_SUFFIXES, may_be_module_name
from conformance.contract.spec import Suite
from conformance.running.notebook import python_source

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# the class reports (and the report's folder of figures) live beside the submission folders
_RESERVED = {"summary.csv", "summary.json", "report.html", "report"}
_MAX_SCAN_BYTES = 2_000_000  # a text scan, not a parse: a huge file is read only this far
_NOT_CONTENT = {"__pycache__", ".git", ".ipynb_checkpoints"}  # folders that are not a submission's content


class PickError(Exception):
    """No file, or more than one, could be the submission's implementation."""


@dataclass(frozen=True)
class Submission:
    """One submission to grade: ``file`` is None when ``error`` says why none was picked."""

    name: str
    source: str
    file: str | None
    error: str = ""


def defined_functions(path: Path, names: Iterable[str]) -> set[str]:
    """Which of ``names`` the file's text defines with ``def name(`` (at any indentation)."""
    if path.suffix == ".ipynb":  # the notebook's code cells, not its JSON
        text = python_source(path, _MAX_SCAN_BYTES)
    else:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(_MAX_SCAN_BYTES)
        except OSError:
            return set()
    return {n for n in names if re.search(rf"^[ \t]*def[ \t]+{re.escape(n)}[ \t]*\(", text, re.MULTILINE)}


def suite_functions(suites: dict[str, Suite], suite: str | None) -> set[str]:
    """The function names a file may define to count as an implementation."""
    chosen = [suites[suite]] if suite else list(suites.values())
    return {spec.function for s in chosen for spec in s}


def pick_file(path: Path, functions: set[str]) -> Path:
    """The file to grade in a submission (see the module docstring for the rule)."""
    if path.is_file():
        if path.suffix not in CODE_SUFFIXES:
            # RNN.PY from a case-insensitive file system: Python and Jupyter need the lower case
            rename = (f": the extension is case-sensitive; rename it to {path.with_suffix(path.suffix.lower()).name}"
                      if path.suffix.lower() in CODE_SUFFIXES else "")
            raise PickError(f"{path} is neither a .py file nor a notebook (.ipynb){rename}")
        return path
    if not path.is_dir():
        raise PickError(f"{path} does not exist")
    candidates = sorted(p for p in path.iterdir() if p.suffix in CODE_SUFFIXES and p.is_file()
                        and not p.name.startswith((".", "_")))
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        upper = sorted(p.name for p in path.iterdir()
                       if p.suffix.lower() in CODE_SUFFIXES and p.suffix not in CODE_SUFFIXES)
        hint = (f"; {upper[0]} would count as {Path(upper[0]).with_suffix(Path(upper[0]).suffix.lower())}: extensions "
                f"are case-sensitive" if upper else "")
        raise PickError(f"no .py file or notebook in {path} (only its top level is searched{hint})")
    defining = [p for p in candidates if defined_functions(p, functions)]
    notebooks = [p for p in defining if p.suffix == ".ipynb"]
    if len(notebooks) == 1:
        return notebooks[0]
    if len(defining) == 1:
        return defining[0]
    listed = ", ".join(p.name for p in (defining or candidates))
    if defining:
        raise PickError(f"{len(defining)} files in {path} define suite functions ({listed}): cannot tell which "
                        f"to grade; leave exactly one implementation file in the folder")
    raise PickError(f"{len(candidates)} code files in {path} ({listed}) and none defines a suite function "
                    f"(no `def <function>(` of the suite found)")


def resolve_target(target: str, suites: dict[str, Suite], suite: str | None) -> str:
    """What ``pytest --target=TARGET`` judges: a file, or the file ``pick_file`` picks in a
    folder (grade's rule), ``~`` expanded; or TARGET itself when it is not a path but may be a
    module's name (importing it is the worker's business). Raises PickError (one line)."""
    path = Path(target).expanduser()
    if path.exists() or not may_be_module_name(target):
        return str(pick_file(path, suite_functions(suites, suite)))
    return target


def guess_suite(file: Path, suites: dict[str, Suite]) -> str | None:
    """The suite whose function names the file's text defines most often; None on a tie or none.

    Only for error results (a submission that cannot be imported), so they still list every
    item with its max_score.
    """
    counts = {name: len(defined_functions(file, suite_functions(suites, name))) for name in suites}
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _base_name(path: Path) -> str:
    raw = path.stem if path.suffix in CODE_SUFFIXES and not path.is_dir() else path.name
    name = _UNSAFE.sub("_", raw).strip("._-") or "submission"
    return f"_{name}" if name in _RESERVED else name


def collect(paths: list[Path], suites: dict[str, Suite], suite: str | None) -> list[Submission]:
    """One Submission per path, in order, with unique names and the file picked (or the reason)."""
    functions = suite_functions(suites, suite)
    taken: set[str] = set()
    out = []
    for path in paths:
        if Path(path).name == "__pycache__":  # what a shell glob over a folder of .py files also matches
            continue
        base = name = _base_name(Path(path))
        k = 2
        while name.lower() in taken:  # case-insensitive: a folder per name, on any file system
            name, k = f"{base}-{k}", k + 1
        taken.add(name.lower())
        try:
            out.append(Submission(name, str(path), str(pick_file(Path(path), functions))))
        except PickError as exc:
            out.append(Submission(name, str(path), None, str(exc)))
    return out


def content_files(source: Path) -> list[Path]:
    """What a submission consists of: the file itself, or a folder's regular files (subfolders
    too, but not caches, and no symbolic link), sorted. What a cluster job carries."""
    if not source.is_dir():
        return [source]
    return [p for p in sorted(source.rglob("*"))
            if p.is_file() and not p.is_symlink() and not _NOT_CONTENT & set(p.relative_to(source).parts)]


def content_digest(source: Path) -> str:
    """sha256 of a submission's files (names and bytes): ``--resume`` regrades one that changed.
    An unreadable file counts as its error message, so the digest itself never fails."""
    sha = hashlib.sha256()
    for file in content_files(source):
        sha.update(f"{file.relative_to(source) if source.is_dir() else file.name}\0".encode())
        try:
            sha.update(hashlib.sha256(file.read_bytes()).digest())
        except OSError as exc:
            sha.update(f"unreadable: {exc.strerror}".encode())
    return sha.hexdigest()
