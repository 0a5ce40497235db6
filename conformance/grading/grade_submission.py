"""Grade one submission, in the calling process: open the target, run every item, score.

Two ways to run the target:

- isolated (default): ``conformance.running.isolation.IsolatedTarget`` runs every call in a
  worker process with a per-call timeout and resource limits; this process only compares.
- in-process (``isolate=False``, trusted code only): the target is imported here. A
  Python-level endless loop is still cut by a per-item alarm, and what it prints is
  captured, but a crash, ``os._exit``, a memory bomb or a hang inside C code takes this
  grading process down; it cannot protect the grader's memory from the target either.

Either way, once a call of a function times out, the remaining items that call that function
(its own, and the gradient checks or target-cache backwards that use it as their forward) are
not run, each would wait out the timeout again, and are reported as errors.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conformance.contract.cases import CaseRef
from conformance.contract.spec import Suite
from conformance.grading.options import DEFAULT_SHRINK_BUDGET_S
from conformance.judging import reference
from conformance.judging.harness import GraderOutOfMemory, Harness
from conformance.judging.scoring import SubmissionResult, error_result, score_items
from conformance.judging.verdict import ERROR, Verdict
from conformance.running.fingerprint import code_fingerprint, source_fingerprints
from conformance.running.isolation import IsolatedTarget
from conformance.running.notebook import python_source
from conformance.running.submissions import guess_suite
from conformance.running.target import (
    SuiteDetectionError,
    TargetImportError,
    detect_suite,
    is_target_frame,
    load_notes,
    load_target,
)

PRINTED_CAP = 2000  # characters of a submission's own printing kept for its report
IN_PROCESS_LIMITS = "in-process (no isolation: for trusted code only), {timeout:g} s per item (Python-level only)"
class ItemTimeout(BaseException):
    """Raised by the in-process alarm; a BaseException so a target's ``except Exception`` can't eat it."""


class _CappedText(io.TextIOBase):
    """A text sink that keeps the first ``cap`` characters and counts the rest."""

    def __init__(self, cap: int):
        self.cap, self.kept, self.dropped = cap, [], 0
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.cap - self._size
        if room > 0:
            self.kept.append(text[:room])
            self._size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        kept = "".join(self.kept)
        return kept + (f"\n... ({self.dropped} more characters not kept)" if self.dropped else "")


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """In-process only: interrupt a Python-level endless loop after ``seconds``."""
    def ring(signum, frame):
        raise ItemTimeout(f"timed out after {seconds:g} s (in-process alarm)")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _running(harness: Harness, exc: BaseException) -> str:
    """In-process: the outermost suite function of the target that the alarm interrupted, or ''."""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.name in harness.suite.specs and harness.file and is_target_frame(frame.filename, harness.file):
            return frame.name
    return ""


def run_items(harness: Harness, refs: list[CaseRef], alarm_s: float | None) -> list[tuple[Verdict, float]]:
    """(verdict, seconds) per item, in order; nothing a target does escapes this loop
    except what kills the process. Raises GraderOutOfMemory when the grader itself failed."""
    results = []
    harness.plan(refs)
    for ref in refs:
        started = time.perf_counter()
        try:
            with _alarm(alarm_s) if alarm_s else contextlib.nullcontext():
                verdict = harness.run(ref)
        except ItemTimeout as exc:
            running = _running(harness, exc)
            harness.note_timeout(running or ref.function, ref)
            verdict = Verdict(ERROR, note=f"`{running or ref.function}` {exc}", culprit=running or ref.function,
                              timeout=True, exit="timeout")
        except GraderOutOfMemory:
            raise
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - our bug or the target's: this item's verdict
            verdict = Verdict(ERROR, note=f"grading this item failed: {type(exc).__name__}: {exc}")
        results.append((verdict, time.perf_counter() - started))
    return results


def _open(job: dict[str, Any]) -> tuple[Any, str]:
    """The target and a description of the limits in force. Isolated, the worker sees a copy of
    this submission (its file, or its folder) and none of ``job["hide"]``."""
    file = str(Path(job["file"]).resolve())
    if job["isolate"]:
        target = IsolatedTarget(file, timeout=job["timeout"], memory_mb=job["memory_mb"],
                                submission=str(Path(job["source"]).resolve()), hide=job.get("hide", []))
        return target, target.describe()
    return load_target(file), IN_PROCESS_LIMITS.format(timeout=job["timeout"])


def code_prints(target: Any, file: str, functions: list[str], isolated: bool) -> dict[str, str]:
    """function -> a fingerprint of its normalised code, for the class's clusters (same code or not).
    As reference.matches reads them: the function's source in the file, normalised here; else the
    live function's (computed by the worker when isolated: it only labels a cluster, never grades).
    Tagged by kind (the two digests of one code differ); short functions have none (fingerprint.MIN_SIZE)."""
    try:
        text = python_source(file) if file.endswith(".ipynb") else Path(file).read_text(encoding="utf-8",
                                                                                       errors="replace")
    except (OSError, ValueError):
        text = ""
    source = source_fingerprints(text)
    live = (target.fingerprints if isolated  # the worker's; in-process, a module's own `fingerprints` is no report
            else {name: code_fingerprint(getattr(target, name, None)) for name in functions})
    prints = {name: f"source:{source[name]}" if name in source else f"code:{live[name]}" if live.get(name) else ""
              for name in functions}
    return {name: digest for name, digest in prints.items() if digest}


def all_refs(suite: Suite, random_cases: int) -> list[CaseRef]:
    """Every item of a suite, without a target (for results of submissions that never ran)."""
    return Harness(types.ModuleType("not_imported"), suite).items(random_cases)


def error_for(job: dict[str, Any], suites: dict[str, Suite], message: str, **extra: Any) -> SubmissionResult:
    """An error result listing every item of the submission's suite: the one asked for, else
    the one its text suggests (see submissions.guess_suite), else none."""
    suite_name = job["suite"] or (guess_suite(Path(job["file"]), suites) if job["file"] else None)
    suite = suites[suite_name] if suite_name else None
    refs = all_refs(suite, job["random_cases"]) if suite else []
    return error_result(job["name"], job["source"], job["file"], suite_name, suite, refs, message, **extra)


def grade_submission(job: dict[str, Any], suites: dict[str, Suite]) -> SubmissionResult:
    """Grade the submission described by ``job`` (keys: name, source, file, error, suite,
    timeout, memory_mb, random_cases, random_seed, isolate). Never raises for the target's sake."""
    started = time.perf_counter()
    if job["file"] is None:
        return error_for(job, suites, job["error"])
    isolate = job["isolate"]
    printed = _CappedText(PRINTED_CAP)
    target, limits = None, ""
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(warnings.catch_warnings())
            warnings.simplefilter("default")  # a target's numeric warning is not an error while grading
            if not isolate:  # isolation captures the worker's output itself
                sys.dont_write_bytecode = True  # no __pycache__ left in the students' folders
                stack.enter_context(contextlib.redirect_stdout(printed))
                stack.enter_context(contextlib.redirect_stderr(printed))
            try:
                # in-process, an import that loops forever is cut like an item
                with _alarm(job["timeout"]) if not isolate else contextlib.nullcontext():
                    target, limits = _open(job)
                suite_name = job["suite"] or detect_suite(target, suites).suite
            except (TargetImportError, ItemTimeout) as exc:
                return error_for(job, suites, f"cannot import the submission: {exc}", limits=limits,
                                 output=printed.text(), execution_time=time.perf_counter() - started)
            except SuiteDetectionError as exc:
                return error_for(job, suites, str(exc), limits=limits, output=printed.text(),
                                 execution_time=time.perf_counter() - started)
            copied = reference.matches(target, job["file"], [spec.function for spec in suites[suite_name]])
            try:  # a target using a suite's tensor framework is loaded with it here (conformance.running.tensors)
                harness = Harness(target, suites[suite_name], dtype="float64", random_seed=job["random_seed"],
                                  reference_matches=copied, profile=job.get("profile", "strict"),
                                  shrink_budget=job.get("shrink_budget", DEFAULT_SHRINK_BUDGET_S))
            except TargetImportError as exc:
                return error_for(job, suites, f"cannot import the submission: {exc}", limits=limits,
                                 output=printed.text(), execution_time=time.perf_counter() - started)
            refs = harness.items(job["random_cases"])
            try:
                verdicts = run_items(harness, refs, None if isolate else job["timeout"])
            except GraderOutOfMemory as exc:
                return error_for(job, suites, str(exc), limits=limits, output=printed.text(),
                                 execution_time=time.perf_counter() - started)
    finally:
        if isolate and target is not None:
            printed.write(target.output(PRINTED_CAP))
            target.close()
    items, functions = score_items(suites[suite_name], refs, verdicts)
    return SubmissionResult(job["name"], job["source"], job["file"], suite_name, "graded", limits=limits,
                            execution_time=time.perf_counter() - started, output=printed.text(),
                            items=items, functions=functions, reference_matches=copied,
                            timed_out=dict(harness.timed_out_at), notes=load_notes(harness.module),
                            code_prints=code_prints(target, job["file"], [spec.function for spec in suites[suite_name]],
                                                    isolate))
