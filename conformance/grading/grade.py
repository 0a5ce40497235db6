"""``rnn-conformance grade``: grade many submissions in parallel into report files.

The main process picks each submission's file, forks a pool of grading processes (one
submission at a time each, single-threaded), and writes the reports as each submission
finishes: its ``results.json`` (and ``junit.xml``) at once; ``summary.csv`` and
``summary.json`` rewritten whole at most every few seconds (a rewrite costs ~0.1 ms per
submission in the class: after each of 1,000 it would add ~50 s) and at the end, then the
class report (``report.html``, see conformance.reports.class_report) from the final summary. A
grader that dies half-way leaves every finished result on disk.

What crosses back from a grading process is a dict of builtins made by our own code
(scoring.SubmissionResult.to_dict). With isolation the target never runs in a grading
process, so that pickle is ours; with ``isolate=False`` the target runs there, which is
why in-process grading is for trusted code only.

A grading process that dies (in-process: the target called ``os._exit`` or crashed)
breaks the pool. The submissions it was running are then graded again one at a time, each
in a fresh pool, so the culprit is named and the others still get their grade.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from conformance.contract import catalogue
from conformance.contract.spec import Suite, load_all
from conformance.grading import cluster, remote_job
from conformance.grading.grade_submission import error_for, grade_submission
from conformance.grading.options import (  # noqa: F401 - the grader's API
    DEFAULT_MEMORY_MB,
    DEFAULT_RANDOM_CASES,
    DEFAULT_RANDOM_SEED,
    DEFAULT_SHRINK_BUDGET_S,
    DEFAULT_TIMEOUT,
    MIN_MEMORY_MB,
    GradeError,
    check_options,
)
from conformance.grading.suites import prepare_suites, with_points  # noqa: F401 - the grader's API
from conformance.judging.scoring import SubmissionResult
from conformance.reports import class_report, grade_reports
from conformance.reports.grade_console import ProgressDisplay
from conformance.running import template
from conformance.running.submissions import collect, content_digest

_POLL_S = 0.2  # how often the wait loop redraws the progress bar
_CLASS_EVERY_S = 2.0  # how stale the class summary may get while grading...
_CLASS_SHARE = 0.05  # ...unless writing it would take more than this share of the main process's time
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# Set in the main process before the fork, inherited by the grading processes.
_SUITES: dict[str, Suite] | None = None


def _cores() -> int:
    """The cores this process may use (a container's CPU set, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _grade_job(job: dict[str, Any]) -> dict[str, Any]:
    """Runs in a grading process; returns plain data."""
    suites = _SUITES if _SUITES is not None else load_all()
    try:
        result = grade_submission(job, suites)
    except Exception as exc:  # noqa: BLE001 - a grader bug costs one submission, not the run
        result = error_for(job, suites, f"the grader failed on this submission: {type(exc).__name__}: {exc}")
    return result.to_dict()


class _Board:
    """The finished results, and the report files that mirror them."""

    def __init__(self, out: Path, suites: dict[str, Suite], suite: str | None, expected: int,
                 contents: dict[str, str], junit: bool, display: ProgressDisplay):
        self.out, self.suites, self.expected, self.junit, self.display = out, suites, expected, junit, display
        self.suite_names = [suite] if suite else []
        self.contents = contents  # name -> the digest of its files when the run began, in the order given
        self.order = {name: k for k, name in enumerate(contents)}
        self.results: list[SubmissionResult] = []
        self.stale, self.written_at = True, 0.0
        self.every = _CLASS_EVERY_S  # grows with the cost of a write: the summary covers the whole class so far
        self.summary: dict[str, Any] = {}  # summary.json as last written: the class report's data

    def ordered(self) -> list[SubmissionResult]:
        return sorted(self.results, key=lambda r: self.order[r.name])

    def write_class(self) -> None:
        started = time.monotonic()
        self.summary = grade_reports.write_class(self.out, self.ordered(), self.suites, self.suite_names,
                                                 self.expected)
        self.stale, self.written_at = False, time.monotonic()
        self.every = max(_CLASS_EVERY_S, (self.written_at - started) / _CLASS_SHARE)

    def adopt(self, result: SubmissionResult) -> None:
        """A result a previous run wrote (--resume): counted, not written again."""
        self.results.append(result)
        self.stale = True
        self.display.advance(result)

    def finish(self, result: SubmissionResult) -> None:
        self.results.append(result)
        grade_reports.write_submission(self.out, result, self.junit, self.contents[result.name])
        self.stale = True
        self.display.advance(result)
        self.tick()

    def tick(self) -> None:
        """Redraw the progress bar; rewrite the class summary if it is stale and old enough."""
        if self.stale and time.monotonic() - self.written_at >= self.every:
            self.write_class()
        self.display.tick()


def _start_grading_process() -> None:
    """In a grading process: Ctrl-C in a terminal reaches every process of the group; the main
    process alone handles it (each grading process would print a traceback). What the process
    inherited (the suites, every item's data) lives as long as it does: frozen, the garbage
    collector no longer walks it at every full collection (~5 ms a submission)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()


def _run_round(jobs: list[dict], width: int, board: _Board) -> list[dict]:
    """Grade ``jobs`` in a fresh pool of ``width`` processes; return those its breaking lost."""
    suites = _SUITES
    lost = []
    # Created, and its processes forked (all at the first submit, "fork" context), while this
    # process has no other thread: the progress bar draws from this loop, not a thread.
    executor = ProcessPoolExecutor(max_workers=width, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_grading_process)
    try:
        futures = {executor.submit(_grade_job, job): job for job in jobs}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=_POLL_S, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: futures[f]["index"]):
                job = futures[future]
                try:
                    data = future.result()
                except BrokenProcessPool:
                    lost.append(job)
                    continue
                except BaseException as exc:  # noqa: BLE001 - raised in the grading process, for this job only
                    board.finish(error_for(job, suites, f"the grader failed on this submission: {type(exc).__name__}: {exc}"))
                    continue
                board.finish(SubmissionResult.from_dict(data))
            board.tick()
    except KeyboardInterrupt:  # stop now, not after the submissions being graded
        for child in multiprocessing.active_children():  # the pool's processes (their workers die with them)
            child.kill()
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return lost


def _run_all(jobs: list[dict], width: int, board: _Board) -> None:
    lost = _run_round(jobs, width, board) if jobs else []
    for job in lost:  # alone in its own pool: if that one breaks too, this submission broke it
        for culprit in _run_round([job], 1, board):
            mode = ("isolated mode: this is a grader bug, please report it" if culprit["isolate"] else
                    "in-process mode: the submission crashed or exited the grader; grade it with isolation")
            board.finish(error_for(culprit, _SUITES, f"the grading process died while grading this submission ({mode})"))


def hidden_from_workers(out: Path, sources: list[str]) -> list[str]:
    """What no worker may see: the output folder, and every submission (their folders, or the
    files themselves where the folder also holds Python or NumPy). A path inside another listed
    one is left out: hiding the class folder hides every submission in it, and each worker is
    told a few paths, not one per classmate (every worker's start cost grew with the class)."""
    from conformance.running.isolation import essential_paths

    essential = [Path(p) for p in essential_paths()]
    hide = {out.resolve()}
    for source in sources:
        path = Path(source).resolve()
        hide.add(path)
        parent = path.parent
        if parent != Path("/") and not any(parent == e or parent in e.parents for e in essential):
            hide.add(parent)
    return sorted(str(path) for path in hide if not any(above in hide for above in path.parents))


def grade(submissions: list[Path], out: Path, suite: str | None = None, jobs: int | None = None,
          timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
          random_cases: int = DEFAULT_RANDOM_CASES, random_seed: int = DEFAULT_RANDOM_SEED,
          isolate: bool = True, junit: bool = False, progress: bool | None = None,
          force: bool = False, report: bool = True, hide: Sequence[str | Path] = (), profile: str = "strict",
          points: Mapping[str, float] | None = None, scheduler: str | None = None,
          resume: bool = False, shrink_budget: float = DEFAULT_SHRINK_BUDGET_S) -> list[SubmissionResult]:
    """Grade every submission (a .py file or a folder, see conformance.running.submissions) into ``out``.

    jobs: grading processes (default: the number of cores); timeout: seconds per call;
    memory_mb: the worker's address-space limit (isolated mode); random_cases: hidden random
    cases per function, drawn from random_seed; progress: show a progress bar (default: on
    a terminal); force: grade into a non-empty ``out`` not written by this command (nothing in
    it is deleted); report: write the class report (report.html, report/*.svg) at the end;
    hide: more files or folders no worker may see (e.g. Gradescope's /autograder/source);
    profile: a catalogue profile ("course": a modified input or an overflow only warns);
    points: function -> its points instead of the spec's (0 leaves a course-provided function ungraded);
    scheduler: grade on a Dask cluster (``tcp://HOST:PORT``, or ``local:N``; see conformance.grading.cluster);
    resume: keep the submissions a previous run into ``out`` (same options) finished; grade the rest.
    shrink_budget: seconds per failing function to find its smallest failing case (0: none).
    Returns one result per submission, in the order given. Raises GradeError only when no
    submission can be graded at all (bad options, an unusable ``out``, an unusable cluster).
    """
    global _SUITES
    check_options(jobs, timeout, memory_mb, random_cases, shrink_budget)
    if profile not in catalogue.profiles():
        raise GradeError(f"unknown --profile {profile!r}; choose one of {sorted(catalogue.profiles())}")
    if scheduler is not None:
        cluster.parse(scheduler)
        if not isolate:
            raise GradeError("--scheduler grades in isolated workers only: drop --in-process")
        if jobs is not None:
            raise GradeError("--jobs is for local grading: with --scheduler the cluster's workers grade "
                             "(local:N starts N of them)")
    for var in _THREAD_VARS:  # one BLAS thread per process: predictable timing, no oversubscription
        os.environ[var] = "1"
    _SUITES = suites = prepare_suites(suite, points, random_cases, random_seed)
    framework = suites[suite].info.tensors if suite and suites[suite].info else None
    template.preload([framework] if framework and isolate else [])  # a class that may use it: once per template
    picked = collect([Path(p) for p in submissions], suites, suite)
    out = Path(out)
    run = {"suite": suite, "timeout": float(timeout), "memory_mb": int(memory_mb), "random_cases": int(random_cases),
           "random_seed": int(random_seed), "isolate": bool(isolate), "profile": profile,
           "shrink_budget": float(shrink_budget), "points": {k: float(v) for k, v in sorted((points or {}).items())}, "grader": remote_job.grader_digest()}
    with cluster.connect(scheduler) if scheduler else contextlib.nullcontext() as client:
        try:  # after connecting: a cluster that cannot be used leaves the previous reports alone
            grade_reports.prepare_out(out, [s.name for s in picked], force, run, resume)
        except grade_reports.OutFolderError as exc:
            raise GradeError(str(exc)) from None
        hide = sorted({*hidden_from_workers(out, [s.source for s in picked]), *(str(Path(h).resolve()) for h in hide)})
        display = ProgressDisplay(len(picked), enabled=progress)
        # read before grading: what --resume later compares with (a resubmitted file is regraded)
        contents = {s.name: content_digest(Path(s.source)) for s in picked}
        board = _Board(out, suites, suite, len(picked), contents, junit, display)
        jobs_list = [{"index": k, "name": s.name, "source": s.source, "file": s.file, "error": s.error, "hide": hide,
                      **{key: run[key] for key in ("suite", "timeout", "memory_mb", "random_cases", "random_seed",
                                                   "isolate", "profile", "shrink_budget", "points")}}
                     for k, s in enumerate(picked)]
        runnable = []
        for job in jobs_list:
            done = (grade_reports.finished_result(out, job["name"], job["source"], contents[job["name"]], junit)
                    if resume else None)
            if done is not None:
                board.adopt(done)
            elif job["file"] is None:  # no file picked: nothing to run, the reason is the result
                board.finish(error_for(job, suites, job["error"]))
            else:
                runnable.append(job)
        board.write_class()  # from the start: a summary with its header, whatever happens next
        width = max(1, min(jobs or _cores(), len(runnable) or 1))
        try:
            if client is not None:
                _run_on_cluster(client, runnable, board)
            else:
                _run_all(runnable, width, board)
        finally:
            board.write_class()  # first: a crash in the class report below leaves every summary written
            display.close()
    if report:  # at the end only: from the final summary
        class_report.write_report(out, board.summary, board.ordered())
    return board.ordered()


def _run_on_cluster(client: Any, jobs: list[dict], board: _Board) -> None:
    grader = remote_job.identity()

    def finish(job: dict, data: dict | None, error: str | None) -> None:
        board.finish(SubmissionResult.from_dict(data) if data is not None else error_for(job, _SUITES, error))

    cluster.grade_all(client, jobs, lambda job: remote_job.make(job, grader), finish, board.tick)
