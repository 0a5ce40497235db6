"""Student loop: wall time of ``pytest --target=FILE`` (default options: the target runs in an
isolated worker) against bare pytest running the same number of trivial items.

Two targets: a correct one (every item passes) and the bundled buggy examples/my_rnn.py. Its
baselines: bare pytest with as many items, all passing, and with as many of them failing as
the target fails (pytest's failure reports cost time of their own), each failure carrying a
~15-line message like a verdict's. "Bare" is pytest without this project's plugin
(``-p no:rnn_conformance``) in an empty temporary folder. Item counts come from the target's
own ``--collect-only``, failure counts from an untimed warm-up run. Modes are interleaved,
so drift hits all alike; medians are reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
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


def plan(folder: Path) -> dict[str, dict]:
    """Per target: its pytest args, item count, failure count and baselines. Runs each
    target's --collect-only and one untimed warm-up run."""
    targets: dict[str, dict] = {}
    for name, path in TARGETS.items():
        args = [f"--target={path}"]
        items = summary_count(pytest_run([*args, "--collect-only"], folder)[1], "tests? collected")
        failed = summary_count(pytest_run(args, folder)[1], "failed")
        baselines = [Bare(items, 0)] + ([Bare(items, failed)] if failed else [])
        targets[name] = {"target": str(path), "args": args, "items": items, "failed": failed, "baselines": baselines}
    return targets


def interleaved(runs: dict[str, list[str]], folder: Path, repeat: int) -> dict[str, list[float]]:
    """label -> wall seconds of each of ``repeat`` rounds, every run once per round."""
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(repeat):
        for label, args in runs.items():
            times[label].append(pytest_run(args, folder)[0])
    return times


def run(settings: Settings) -> Section:
    """Time every run ``settings.repeat`` times, interleaved; ratios of each target to its baselines."""
    with tempfile.TemporaryDirectory(prefix="bench-student-") as tmp:
        folder = Path(tmp)
        targets = plan(folder)
        bares = list(dict.fromkeys(b for info in targets.values() for b in info["baselines"]))
        runs = {**{b.label: b.args(folder) for b in bares}, **{name: info["args"] for name, info in targets.items()}}
        times = interleaved(runs, folder, settings.repeat)
    medians = {label: median(values) for label, values in times.items()}
    section = Section("student", f"Student loop: pytest --target (isolated worker), median of {settings.repeat}",
                      ["run", "items", "failing", "median s", "x bare", "x bare failing"])
    worst = 0.0
    for name, info in targets.items():
        passing, *failing = (medians[b.label] for b in info["baselines"])
        info.update(median_s=medians[name], runs_s=times[name], ratio_vs_bare=ratio(medians[name], passing),
                    ratio_vs_bare_failing=ratio(medians[name], failing[0]) if failing else None,
                    baselines=[b.label for b in info["baselines"]])
        worst = max(worst, info["ratio_vs_bare_failing"] or info["ratio_vs_bare"])
        section.rows.append([name, info["items"], info["failed"], medians[name], info["ratio_vs_bare"],
                             info["ratio_vs_bare_failing"]])
        del info["args"]
    section.rows += [[b.label, b.items, b.failing, medians[b.label], None, None] for b in bares]
    section.notes.append(f"goal: student loop <= {GOAL}x bare (the failing baseline where the target fails): "
                         f"worst {worst:.2f}x, {'met' if worst <= GOAL else 'NOT met'}")
    section.data = {"repeat": settings.repeat, "targets": targets,
                    "baselines": {b.label: {"items": b.items, "failing": b.failing, "median_s": medians[b.label],
                                            "runs_s": times[b.label]} for b in bares},
                    "goal_ratio": GOAL, "worst_ratio": worst, "goal_met": worst <= GOAL}
    return section
