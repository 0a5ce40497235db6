"""Student loop: wall time of ``pytest -q -p no:cacheprovider --target=FILE`` (default options: the
target runs in an isolated worker) against bare pytest running the same number of trivial items.

Two targets: a correct one (every item passes) and the bundled buggy examples/my_rnn.py. Their
baselines: bare pytest with as many items, all passing, and with as many of them failing as the
target fails (pytest's failure reports cost time of their own), each failure carrying a ~15-line
message like a verdict's. Item counts come from the target's own ``--collect-only``, failure
counts from its runs.

Two set-ups, because the plugins installed change the baseline a lot (this project's ``[test]``
extra brings hypothesis, xdist and pytest-regressions, whose start-up every pytest run pays):

- *student install*: pytest with no plugin but this project's (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``,
  ``-p conformance.plugin``), as ``pip install rnn-conformance`` leaves a student; bare is pytest alone;
- *this environment*: every installed plugin, as the command line above runs here; bare is the same
  run without this project's plugin (``-p no:rnn_conformance``).

Bare runs happen in a temporary folder holding only their test files, target runs in the same
folder. Every run is interleaved with the others, so drift hits all alike; medians are reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sections.common import ALICE, EXAMPLES, ROOT, START_ENV, Section, Settings, median, ratio, timed

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


@dataclass(frozen=True)
class Setup:
    """Which pytest plugins load: the environment and the extra arguments of target and bare runs."""

    name: str
    env: tuple[tuple[str, str], ...]
    target_args: tuple[str, ...]
    bare_args: tuple[str, ...]


SETUPS = (Setup("student install", (("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1"),), ("-p", "conformance.plugin"), ()),
          Setup("this environment", (), (), ("-p", "no:rnn_conformance")))


def pytest_run(args: list[str], cwd: Path, setup: Setup) -> tuple[float, str]:
    """(wall seconds, stdout) of one ``python -m pytest -q -p no:cacheprovider ARGS`` in ``cwd``
    (in the environment run.py started with, plus the set-up's variables)."""
    seconds, done = timed(subprocess.run, [*PYTEST, *args], cwd=cwd, env={**START_ENV, **dict(setup.env)},
                          capture_output=True, text=True, check=False)
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

    def run(self, folder: Path, setup: Setup) -> float:
        """Wall seconds of one run of this baseline's test file (written into ``folder``)."""
        file = folder / f"test_bare_{self.items}_{self.failing}.py"
        file.write_text(BARE_TEST.format(items=self.items, failing=self.failing, lines=FAILURE_LINES))
        return pytest_run([*setup.bare_args, file.name], folder, setup)[0]


@dataclass
class Target:
    """A target file, how many items its run collects, and per run how many it failed."""

    name: str
    path: Path
    items: int
    failed: list[int] = field(default_factory=list)  # the same every time for a deterministic target

    @property
    def baselines(self) -> list[Bare]:
        """All items passing; and, when the target fails some, as many failing."""
        failed = self.failed[0]
        return [Bare(self.items, 0)] + ([Bare(self.items, failed)] if failed else [])

    def run(self, folder: Path, setup: Setup) -> float:
        """Wall seconds of one run of ``pytest --target``; records how many items failed."""
        seconds, stdout = pytest_run([*setup.target_args, f"--target={self.path}"], folder, setup)
        self.failed.append(summary_count(stdout, "failed"))
        return seconds


def rounds(folder: Path, repeat: int) -> tuple[list[Target], dict[tuple[str, str], list[float]]]:
    """``repeat`` rounds, each running, in every set-up, every target then every baseline once.
    Returns the targets and (set-up, run label) -> wall seconds per round. The baselines are
    known once the first round's target runs have counted the failures."""
    student = SETUPS[0]
    targets = [Target(name, path, summary_count(
        pytest_run([*student.target_args, f"--target={path}", "--collect-only"], folder, student)[1],
        "tests? collected")) for name, path in TARGETS.items()]
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeat):
        for setup in SETUPS:
            for target in targets:
                times.setdefault((setup.name, target.name), []).append(target.run(folder, setup))
            for bare in dict.fromkeys(b for t in targets for b in t.baselines):
                times.setdefault((setup.name, bare.label), []).append(bare.run(folder, setup))
    return targets, times


def target_figures(target: Target, setup: Setup, medians: dict[tuple[str, str], float]) -> dict:
    """One target's median and its ratios to its baselines, in one set-up."""
    seconds = medians[setup.name, target.name]
    passing, *failing = (medians[setup.name, b.label] for b in target.baselines)
    return {"median_s": seconds, "ratio_vs_bare": ratio(seconds, passing),
            "ratio_vs_bare_failing": ratio(seconds, failing[0]) if failing else None}


def compile_package() -> None:
    """Write the package's bytecode, as installing it does (pip compiles at install): a checkout
    on a machine that never writes .pyc (PYTHONDONTWRITEBYTECODE) would otherwise compile ~40
    modules at every start (~0.1 s) that a student's install does not."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "conformance"), str(ROOT / "oracle")],
                   check=True, capture_output=True)


def run(settings: Settings) -> Section:
    """Time every run ``settings.repeat`` times, interleaved; ratios of each target to its baselines."""
    compile_package()
    with tempfile.TemporaryDirectory(prefix="bench-student-") as tmp:
        targets, times = rounds(Path(tmp), settings.repeat)
    medians = {key: median(values) for key, values in times.items()}
    section = Section("student", f"Student loop: pytest --target (isolated worker), median of {settings.repeat}",
                      ["set-up", "run", "items", "failing", "median s", "x bare", "x bare failing"])
    figures: dict[str, dict] = {}
    for setup in SETUPS:
        for t in targets:
            f = figures.setdefault(setup.name, {})[t.name] = target_figures(t, setup, medians)
            section.rows.append([setup.name, t.name, t.items, t.failed[0], f["median_s"], f["ratio_vs_bare"],
                                 f["ratio_vs_bare_failing"]])
        for bare in dict.fromkeys(b for t in targets for b in t.baselines):
            section.rows.append([setup.name, bare.label, bare.items, bare.failing, medians[setup.name, bare.label],
                                 None, None])
    worst = max(f["ratio_vs_bare_failing"] or f["ratio_vs_bare"] for f in figures[SETUPS[0].name].values())
    if any(len(set(t.failed)) > 1 for t in targets):
        section.notes.append("warning: a target failed a different number of items from one run to the next")
    section.notes.append(f"goal: student loop <= {GOAL}x bare, student install (the failing baseline where the "
                         f"target fails): worst {worst:.2f}x, {'met' if worst <= GOAL else 'NOT met'}")
    section.data = {"repeat": settings.repeat, "ratios": figures,
                    "targets": {t.name: {"target": str(t.path), "items": t.items, "failed_per_run": t.failed}
                                for t in targets},
                    "runs_s": {f"{setup} | {label}": values for (setup, label), values in times.items()},
                    "goal_ratio": GOAL, "worst_ratio": worst, "goal_met": worst <= GOAL}
    return section
