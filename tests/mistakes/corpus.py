"""The corpus of known mistakes: real-looking wrong implementations, each diagnosed by an id
of the catalogue (spec/misconceptions/).

A corpus file holds only what the student got wrong: the functions that differ from a
correct student implementation of its suite (BASES). Its module docstring says what it is::

    mistake: gradient-not-carried
    suite: dlai
    shows in: rnn_backward, lstm_backward
    also: overflow          (optional: what else the student's code really does, e.g. a log(0))

    Free text: what the student wrote and why it is wrong.

``target(mutant, folder)`` writes the judged module: the base's source, then the mutant's,
so a redefined cell is also what the base's sequence functions call (as in a student's file).
Every function not listed in "shows in" must still pass every item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
TARGETS = HERE.parent / "targets"
BASES = {suite: TARGETS / f"_correct_{suite}.py" for suite in ("dlai", "cs231n", "torch", "onnx")}


@dataclass(frozen=True)
class Mutant:
    path: Path
    suite: str
    mistake: str
    shows_in: tuple[str, ...]
    also: tuple[str, ...] = ()  # other ids the file really shows (a second, incidental mistake)
    warns_only: bool = False  # values right, a numeric warning: every item passes, with a warning

    @property
    def name(self) -> str:
        return f"{self.suite}/{self.path.stem}"


def _field(text: str, name: str, path: Path) -> str:
    found = re.search(rf"^{name}: *(.+?) *$", text, re.MULTILINE)
    if not found:
        raise ValueError(f"{path}: its docstring has no '{name}:' line")
    return found.group(1)


def parse(path: Path) -> Mutant:
    text = path.read_text()
    also = re.search(r"^also: *(.+?) *$", text, re.MULTILINE)
    return Mutant(path, _field(text, "suite", path), _field(text, "mistake", path),
                  tuple(f.strip() for f in _field(text, "shows in", path).split(",")),
                  tuple(a.strip() for a in also.group(1).split(",")) if also else (),
                  "values right, warns" in text)


def mutants(suite: str | None = None) -> list[Mutant]:
    """Every corpus file (of one suite), in name order."""
    folders = [HERE / suite] if suite else sorted(p for p in HERE.iterdir() if p.is_dir() and p.name in BASES)
    return [parse(p) for folder in folders for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")]


def source(mutant: Mutant) -> str:
    return (BASES[mutant.suite].read_text() + f"\n\n# ---- {mutant.path.name}: the student's mistake\n\n"
            + mutant.path.read_text())


def target(mutant: Mutant, folder: Path) -> Path:
    """The judged module, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{mutant.suite}_{mutant.path.stem}.py"
    path.write_text(source(mutant))
    return path
