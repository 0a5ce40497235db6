"""The output shown in README.md and docs/ is the tool's real output, so it cannot drift.

A checked example is a ```text block right after the line ``<!-- output checked by
tests/test_docs_examples.py -->``. Its first line is ``$ COMMAND``, run here from the repository
root as a user would (the same interpreter's pytest and rnn-conformance); the lines after it are
an excerpt of what COMMAND prints: a line of ``...`` stands for lines left out, every other line
must be a whole output line, consecutive lines consecutively, in order. Only what truly varies
is normalised: trailing spaces, run times ("in 5.0 s"), and ``--out DIR``, which is graded into
a temporary folder and printed back as DIR. Plain set-up only: this reads the markdown, no mkdocs.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- output checked by tests/test_docs_examples.py -->"
TIME = re.compile(r"\bin \d+(\.\d+)? ?s\b")  # "in 5.0 s", "in 0.83s": run times


@dataclass(frozen=True)
class Example:
    page: str  # relative to the repository root
    line: int  # of the ``$ COMMAND`` line, counted from 1
    command: str
    expected: tuple[str, ...]


def checked_examples() -> list[Example]:
    """Every marked block of README.md and docs/**/*.md, in file order."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = []
    for page in pages:
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, text in enumerate(lines):
            if text.strip() != MARK:
                continue
            name = f"{page.relative_to(ROOT)}:{i + 1}"
            if i + 2 >= len(lines) or lines[i + 1].strip() != "```text" or not lines[i + 2].startswith("$ "):
                raise AssertionError(f"{name}: the mark must be followed by a ```text block starting with '$ COMMAND'")
            end = next((j for j in range(i + 3, len(lines)) if lines[j].strip() == "```"), None)
            if end is None:
                raise AssertionError(f"{name}: the checked block is never closed")
            found.append(Example(str(page.relative_to(ROOT)), i + 3, lines[i + 2][2:], tuple(lines[i + 3:end])))
    return found


def _program(name: str) -> list[str]:
    """The documented program, from the interpreter running these tests."""
    if name == "pytest":
        return [sys.executable, "-m", "pytest"]
    script = shutil.which(name, path=str(Path(sys.executable).parent))
    if script is None:
        raise AssertionError(f"{name} is not installed beside {sys.executable}")
    return [script]


def run(command: str, tmp: Path) -> str:
    """COMMAND's stdout and stderr as a user sees them, with ``--out DIR`` graded into tmp."""
    words = shlex.split(command)
    argv, out_as = _program(words[0]), None
    for word in words[1:]:
        if argv[-1] == "--out":
            out_as, word = word.rstrip("/"), str(tmp / "out")
        argv.extend(sorted(glob.glob(word, root_dir=ROOT)) if "*" in word else [word])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(COLUMNS="80", NO_COLOR="1")  # pytest's and rich's widths, as in the docs
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    text = done.stdout + done.stderr
    return text.replace(str(tmp / "out"), out_as) if out_as else text


def normalise(line: str) -> str:
    return TIME.sub("in <time>", line.rstrip())


def mismatch(expected: tuple[str, ...], output: str) -> str | None:
    """Where the excerpt departs from the output, or None when every chunk is found in order."""
    got = [normalise(line) for line in output.splitlines()]
    chunks, chunk = [], []
    for line in expected:
        if line.strip() == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(normalise(line))
    chunks = [c for c in [*chunks, chunk] if c]
    if not chunks:
        return "the block shows no output line"
    at = 0
    for chunk in chunks:
        start = next((s for s in range(at, len(got) - len(chunk) + 1) if got[s:s + len(chunk)] == chunk), None)
        if start is None:
            near = next((s for s in range(at, len(got)) if got[s] == chunk[0]), None)
            shown = "\n".join(got[near:near + len(chunk)]) if near is not None else "(first line not found)"
            return "expected, in order after what matched so far:\n" + "\n".join(chunk) + "\nthe output has:\n" + shown
        at = start + len(chunk)
    return None


EXAMPLES = checked_examples()


def test_the_docs_show_checked_examples() -> None:
    """The front page's quick starts and the site's pages each show at least one checked output."""
    pages = {e.page for e in EXAMPLES}
    assert "README.md" in pages and any(p.startswith("docs/") for p in pages), pages


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """Each command's output, run once however many pages show it."""
    seen: dict[str, str] = {}

    def output(command: str) -> str:
        if command not in seen:
            seen[command] = run(command, tmp_path_factory.mktemp("run"))
        return seen[command]
    return output


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.page}:{e.line}" for e in EXAMPLES])
def test_documented_output_is_real(example: Example, outputs: Callable[[str], str]) -> None:
    output = outputs(example.command)
    problem = mismatch(example.expected, output)
    assert problem is None, f"{example.page}:{example.line}: `{example.command}`: {problem}\n--- full output ---\n{output}"


def test_mismatch_reads_excerpts() -> None:
    """The matcher itself: chunks in order, ``...`` skips, times normalised, a changed line caught."""
    output = "a\nb  \nc\nd in 1.5 s\ne"
    assert mismatch(("a", "b", "...", "d in 9.9 s"), output) is None
    assert mismatch(("b", "c"), output) is None
    assert mismatch(("a", "c"), output) is not None  # not consecutive
    assert mismatch(("c", "...", "a"), output) is not None  # out of order
    assert mismatch(("a", "B"), output) is not None
    assert mismatch(("...",), output) is not None
