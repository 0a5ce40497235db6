"""Student loop: wall time of ``pytest --target=FILE`` (default options: the target runs in an
isolated worker) against bare pytest running the same number of trivial items.

Two targets: a correct one (every item passes) and the bundled buggy examples/my_rnn.py. Its
baselines: bare pytest with as many items, all passing, and with as many of them failing as
the target fails (pytest's failure reports cost time of their own), each failure carrying a
~15-line message like a verdict's. "Bare" is pytest without this project's plugin
(``-p no:rnn_conformance``) in a temporary folder holding only its test files. Item counts come from the target's
own ``--collect-only``, failure counts from its runs. Modes are interleaved, so drift hits all
alike; medians are reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sections.common import ALICE, EXAMPLES, START_ENV, Section, Settings, median, ratio, timed

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
TARGETS = {"correct dlai (alice/rnn_utils.py)": ALICE / "rnn_utils.py",
           "buggy dlai (examples/my_rnn.py)": EXAMPLES / "my_rnn.py"}
GOAL = 1.2  # student loop <= 1.2x bare pytest
FAILURE_LINES = 15

BARE_TEST = '''import pytest

MESSAGE = "\\n".join(f"line {{k}}: expected -0.0263670226 at [{{k}}, 0], got -0.6656092364 (abs err 0.639)"
                    for k in range({lines}))


@pytest.mark.parametrize("i", range({items}))
def test_item(i):
    assert i >= {failing}, MESSAGE
'''


def pytest_run(args: list[str], cwd: Path) -> tuple[float, str]:
    """(wall seconds, stdout) of one ``python -m pytest -q -p no:cacheprovider ARGS`` in ``cwd``."""
    seconds, done = timed(subprocess.run, [*PYTEST, *args], cwd=cwd, env=START_ENV, capture_output=True,
                          text=True, check=False)
    return seconds, done.stdout


def summary_count(stdout: str, word: str) -> int:
    """The number before ``word`` in pytest's closing lines ("89 tests collected", "26 failed")."""
    found = re.findall(rf"(\d+) {word}", stdout)
    return int(found[-1]) if found else 0


@dataclass(frozen=True)
class Bare:
    """A bare pytest baseline: ``items`` trivial items, ``failing`` of them failing."""

    items: int
    failing: int

    @property
    def label(self) -> str:
        return f"bare pytest, {self.failing} of {self.items} items failing"

    def args(self, folder: Path) -> list[str]:
        """pytest arguments running this baseline's test file (written into ``folder``)."""
        file = folder / f"test_bare_{self.items}_{self.failing}.py"
        file.write_text(BARE_TEST.format(items=self.items, failing=self.failing, lines=FAILURE_LINES))
        return ["-p", "no:rnn_conformance", file.name]


@dataclass
class Target:
    """A target file, how many items its run collects and fails, and its timed runs."""

    name: str
    path: Path
    items: int
    failed: list[int] = field(default_factory=list)  # per run: the same every time for a deterministic target
    times: list[float] = field(default_factory=list)

    @property
    def baselines(self) -> list[Bare]:
        """All items passing; and, when the target fails some, as many failing."""
        failed = self.failed[0]
        return [Bare(self.items, 0)] + ([Bare(self.items, failed)] if failed else [])

    def run(self, folder: Path) -> None:
        """One timed run of ``pytest --target``, recording its time and how many items failed."""
        seconds, stdout = pytest_run([f"--target={self.path}"], folder)
        self.times.append(seconds)
        self.failed.append(summary_count(stdout, "failed"))


def rounds(folder: Path, repeat: int) -> tuple[list[Target], dict[Bare, list[float]]]:
    """``repeat`` rounds, each running every target then every baseline once (interleaved, so
    drift hits all alike). Items are counted by each target's --collect-only; failures by its
    runs, so the baselines are known after the first round's target runs."""
    targets = [Target(name, path, summary_count(pytest_run([f"--target={path}", "--collect-only"], folder)[1],
                                                "tests? collected")) for name, path in TARGETS.items()]
    bare_times: dict[Bare, list[float]] = {}
    for _ in range(repeat):
        for target in targets:
            target.run(folder)
        for bare in dict.fromkeys(b for t in targets for b in t.baselines):
            bare_times.setdefault(bare, []).append(pytest_run(bare.args(folder), folder)[0])
    return targets, bare_times


def run(settings: Settings) -> Section:
    """Time every run ``settings.repeat`` times, interleaved; ratios of each target to its baselines."""
    with tempfile.TemporaryDirectory(prefix="bench-student-") as tmp:
        targets, bare_times = rounds(Path(tmp), settings.repeat)
    bare_medians = {bare: median(values) for bare, values in bare_times.items()}
    section = Section("student", f"Student loop: pytest --target (isolated worker), median of {settings.repeat}",
                      ["run", "items", "failing", "median s", "x bare", "x bare failing"])
    figures = {}
    for t in targets:
        seconds = median(t.times)
        passing, *failing = (bare_medians[b] for b in t.baselines)
        figures[t.name] = {"target": str(t.path), "items": t.items, "failed_per_run": t.failed, "median_s": seconds,
                           "runs_s": t.times, "baselines": [b.label for b in t.baselines],
                           "ratio_vs_bare": ratio(seconds, passing),
                           "ratio_vs_bare_failing": ratio(seconds, failing[0]) if failing else None}
        section.rows.append([t.name, t.items, t.failed[0], seconds, figures[t.name]["ratio_vs_bare"],
                             figures[t.name]["ratio_vs_bare_failing"]])
    section.rows += [[b.label, b.items, b.failing, m, None, None] for b, m in bare_medians.items()]
    worst = max(f["ratio_vs_bare_failing"] or f["ratio_vs_bare"] for f in figures.values())
    if any(len(set(t.failed)) > 1 for t in targets):
        section.notes.append("warning: a target failed a different number of items from one run to the next")
    section.notes.append(f"goal: student loop <= {GOAL}x bare (the failing baseline where the target fails): "
                         f"worst {worst:.2f}x, {'met' if worst <= GOAL else 'NOT met'}")
    section.data = {"repeat": settings.repeat, "targets": figures,
                    "baselines": {b.label: {"items": b.items, "failing": b.failing, "median_s": bare_medians[b],
                                            "runs_s": bare_times[b]} for b in bare_medians},
                    "goal_ratio": GOAL, "worst_ratio": worst, "goal_met": worst <= GOAL}
    return section
