"""What the grader shows in the terminal: a progress bar while it runs, a table at the end.

The progress bar never starts a thread (``auto_refresh=False``; the grader's wait loop
refreshes it): the grading processes are forked, and forking a process that has threads
is unsafe. It appears only on a terminal, and only once a run has lasted a moment.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from conformance.judging.scoring import SubmissionResult
from conformance.reports.report import judged

SHOW_AFTER_S = 0.5  # a run shorter than this never flashes a bar


class ProgressDisplay:
    """A transient progress bar over ``total`` submissions; a no-op when disabled."""

    def __init__(self, total: int, enabled: bool | None = None, stream: TextIO | None = None):
        stream = stream or sys.stderr
        self.enabled = stream.isatty() if enabled is None else enabled
        self.total, self.done, self.last = total, 0, ""
        self._started = time.monotonic()
        self._stream = stream
        self._progress: Progress | None = None
        self._task = None

    def advance(self, result: SubmissionResult) -> None:
        self.done += 1
        self.last = f"{result.name}: {result.score:g}/{result.max_score:g}" if result.status == "graded" \
            else f"{result.name}: error"
        self.tick()

    def tick(self) -> None:
        """Redraw (and, once the run has lasted a moment, first show) the bar."""
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self._started < SHOW_AFTER_S:
                return
            self._progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), TextColumn("{task.description}"),
                                      console=Console(file=self._stream), transient=True, auto_refresh=False)
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        self._progress.update(self._task, completed=self.done, description=self.last)
        self._progress.refresh()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def summary_table(results: list[SubmissionResult]) -> Table:
    table = Table(title="rnn-conformance grade", title_justify="left")
    for column, justify in (("submission", "left"), ("file", "left"), ("suite", "left"),
                            ("score", "right"), ("passed", "right"), ("status", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    for r in results:
        passed, judged_items = judged([i.outcome for i in r.items])  # a supplied function's items: not judged
        score = f"{r.score:.4g} / {r.max_score:.4g}" if r.max_score else "-"
        status = "[green]graded[/]" if r.status == "graded" else "[red]error[/] (below)"
        table.add_row(r.name, Path(r.file).name if r.file else "-", r.suite or "-", score,
                      f"{passed}/{judged_items}" if r.items else "-", status)
    return table


def print_summary(results: list[SubmissionResult], out: Path, seconds: float,
                  stream: TextIO | None = None) -> None:
    """The table, then one line saying where the reports are."""
    console = Console(file=stream or sys.stdout)
    console.print(summary_table(results))
    for r in results:  # why a submission was not graded, in full: a table cell would fold it
        if r.status != "graded":
            console.print(f"{r.name}: {r.message}", highlight=False, markup=False, soft_wrap=True)
    errors = sum(r.status != "graded" for r in results)
    console.print(f"{len(results)} submission(s) in {seconds:.1f} s, {errors} not graded; "
                  f"reports in {out}/ (report.html, summary.csv, summary.json, <submission>/results.json)",
                  highlight=False, markup=False, soft_wrap=True)
