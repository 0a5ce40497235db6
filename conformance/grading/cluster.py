"""``rnn-conformance grade --scheduler``: grade on a Dask cluster instead of a local pool.

    --scheduler tcp://HOST:8786   an existing scheduler (``dask scheduler``; workers started
                                  with ``dask worker tcp://HOST:8786 --nthreads 1 --nworkers N``
                                  in an environment with the same rnn-conformance installed)
    --scheduler local:N           a LocalCluster of N worker processes on this machine (loopback)

Each submission travels as a self-contained job (conformance.grading.remote_job: its bytes, the
options, the client's grader digest); a worker whose grader differs refuses it, and is
named before anything is graded. Jobs are handed out one per worker at a time (the client never
holds a class's bytes in flight), and every result is written as it arrives
(conformance.grading.grade's board: results.json, summaries, progress), so an interrupted run leaves
every finished report and ``--resume`` grades only the rest.

Faults: when a Dask worker dies, the scheduler runs its jobs elsewhere. A job on which
workers died ``allowed-failures + 1`` times in a row is given up by the scheduler
(KilledWorker) and reported "not graded: crashed the worker twice" (a LocalCluster here is
made with allowed-failures 1; a scheduler of your own should be started with
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1``, and its own setting is the one used).
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from conformance.grading import remote_job
from conformance.grading.options import GradeError

_POLL_S = 0.2  # how often the wait loop redraws the progress bar
_CONNECT_S = 10  # how long to try reaching a scheduler
# One job per worker at a time: when a worker dies, Dask counts the death against every job
# it held, so a job queued behind a crashing one could otherwise be given up as a crasher.
_PER_WORKER = 1
_NO_WORKERS_S = 60.0  # a cluster without workers this long stops the run (it would wait forever)
LOST = ("lost the Dask scheduler while grading: the finished reports are written; "
        "rerun with --resume to grade the rest")
_LOCAL = re.compile(r"local:(\d+)")
# Our jobs run one at a time per worker process, and a job whose worker died is tried once
# more elsewhere, not three times (Dask's default): see the module docstring.
LOCAL_CONFIG = {"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}


def parse(scheduler: str) -> tuple[str, int]:
    """("local", N) or ("remote", 0) for a --scheduler value; raises GradeError."""
    local = _LOCAL.fullmatch(scheduler)
    if local:
        if int(local.group(1)) < 1:
            raise GradeError(f"--scheduler {scheduler}: a local cluster needs at least 1 worker")
        return "local", int(local.group(1))
    if "://" not in scheduler:
        raise GradeError(f"--scheduler {scheduler!r}: expected a scheduler address (tcp://HOST:8786) or local:N")
    return "remote", 0


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise GradeError("--scheduler needs Dask: pip install 'rnn-conformance[cluster]' "
                         "(or dask and distributed)") from None
    return distributed


@contextlib.contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A Dask client for --scheduler, its workers checked (see ``check_workers``)."""
    kind, workers = parse(scheduler)
    distributed = _dask()
    import dask

    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet(logging.getLogger("distributed")))
        if kind == "local":
            stack.enter_context(dask.config.set(LOCAL_CONFIG))
            with _ctrl_c_ignored():  # by the worker processes started now: the client stops them itself
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=":0", silence_logs=logging.ERROR))  # ":0": a free port, never 8787
            address = cluster.scheduler_address
        else:
            address = scheduler
        try:
            client = stack.enter_context(distributed.Client(address, timeout=f"{_CONNECT_S}s",
                                                            set_as_default=False))
        except (OSError, TimeoutError) as exc:
            raise GradeError(f"cannot reach the Dask scheduler at {scheduler}: {_first_line(exc)}") from None
        check_workers(client, scheduler)
        yield client


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Dask's client logs every reconnection attempt with a traceback: what matters to the user
    becomes one of our one-line errors instead."""
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored while processes are started (they keep ignoring it; this process does not).
    Ctrl-C in a terminal reaches every process of the group: a LocalCluster's workers would
    each print a traceback, and die before the client had cancelled their jobs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def check_workers(client: Any, scheduler: str) -> None:
    """Raise GradeError naming the first worker that lacks rnn-conformance or has another grader,
    or when the scheduler has no worker at all."""
    try:
        client.wait_for_workers(1, timeout=_CONNECT_S)
    except (TimeoutError, OSError):
        raise GradeError(f"the Dask scheduler at {scheduler} has no workers (waited {_CONNECT_S} s): "
                         f"start some with `dask worker {scheduler}`") from None
    threaded = sorted(w for w, info in client.scheduler_info().get("workers", {}).items() if info.get("nthreads", 1) > 1)
    if threaded:  # not an error: it works, one submission at a time per worker process
        print(f"grade: note: worker {threaded[0]} (and {len(threaded) - 1} more) has several threads, but a worker "
              f"process grades one submission at a time: start workers with --nthreads 1 --nworkers N",
              file=sys.stderr)
    ours = remote_job.identity()
    for worker, theirs in sorted(client.run(remote_job.identity, on_error="return").items()):
        if isinstance(theirs, BaseException):  # it cannot even import our code
            raise GradeError(f"worker {worker} cannot run rnn-conformance ({type(theirs).__name__}: "
                             f"{_first_line(theirs)}): install the client's version there")
        if theirs["digest"] != ours["digest"]:
            raise GradeError(remote_job.mismatch(worker, theirs, ours))


def deaths_allowed(client: Any) -> int:
    """How many times the scheduler lets a job's worker die before giving the job up."""
    try:
        return int(client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)) + 1
    except Exception:  # noqa: BLE001 - a scheduler that refuses to say: Dask's default
        return 4


def crashed_message(deaths: int) -> str:
    if deaths == 1:
        return "not graded: crashed the worker (a Dask worker process died while grading it; not tried again)"
    times = "twice" if deaths == 2 else f"{deaths} times"
    return (f"not graded: crashed the worker {times} (a Dask worker process died while grading this "
            f"submission, {times} in a row; it is not tried again)")


def grade_all(client: Any, jobs: list[dict[str, Any]], make_job: Callable[[dict[str, Any]], dict[str, Any]],
              finish: Callable[[dict[str, Any], dict[str, Any] | None, str | None], None],
              tick: Callable[[], None]) -> None:
    """Run every job on the cluster, one per worker at a time. ``make_job(job)`` packs one
    (raises remote_job.PackError to refuse it); ``finish(job, result_dict, error)`` gets each
    outcome as it arrives; ``tick()`` runs between polls. Raises GradeError when the run cannot
    go on (another grader, the scheduler lost)."""
    distributed = _dask()
    deaths = deaths_allowed(client)
    waiting = list(reversed(jobs))  # popped from the end: in order
    run_id = uuid.uuid4().hex[:12]  # keys unique on a shared scheduler: Dask shares equal keys' results
    running: dict[Any, dict[str, Any]] = {}
    workerless_since = None
    try:
        while waiting or running:
            workers = len(client.scheduler_info().get("workers", {}))
            workerless_since = None if workers else (workerless_since or time.monotonic())
            if workerless_since is not None and time.monotonic() - workerless_since > _NO_WORKERS_S:
                raise GradeError(f"the Dask cluster has had no workers for {_NO_WORKERS_S:g} s: stopped. The finished "
                                 f"reports are written; start workers and rerun with --resume to grade the rest")
            room = _PER_WORKER * max(1, workers) - len(running)
            while waiting and room > 0:
                job = waiting.pop()
                try:
                    packed = make_job(job)
                except remote_job.PackError as exc:
                    finish(job, None, str(exc))
                    continue
                running[client.submit(remote_job.run, packed, key=f"grade-{run_id}-{job['index']}",
                                      pure=False)] = job
                room -= 1
            try:
                with client.as_current():  # wait() asks for "the current client"; ours is not global
                    done = distributed.wait(list(running), timeout=_POLL_S, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            except distributed.CancelledError:  # every future at once: the scheduler is gone
                raise GradeError(LOST) from None
            for future in sorted(done, key=lambda f: running[f]["index"]):
                job = running.pop(future)
                _collect(future, job, deaths, finish, distributed)
            tick()
    finally:
        for future in running:
            future.cancel()


def _collect(future: Any, job: dict[str, Any], deaths: int, finish: Callable, distributed: Any) -> None:
    if future.status == "finished":
        finish(job, future.result(), None)
        return
    if future.status == "cancelled":
        raise GradeError(LOST)
    exc = future.exception()
    if isinstance(exc, distributed.KilledWorker):
        finish(job, None, crashed_message(deaths))
    elif isinstance(exc, remote_job.GraderMismatch):
        raise GradeError(str(exc))
    else:  # our code failed on the worker, outside the per-submission guard
        finish(job, None, f"the grader failed on this submission on a cluster worker: {type(exc).__name__}: "
                          f"{_first_line(exc)}")
