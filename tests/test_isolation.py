"""The isolated worker's protocol: caches stay in the worker, the grader holds handles."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from conformance.running import sandbox
from conformance.contract import wire
from conformance.judging.harness import Harness
from conformance.running.isolation import IsolatedTarget
from conformance.contract.spec import load_suite
from conformance.running.target import load_target
from oracle import cs231n

TARGETS = Path(__file__).parent / "targets"
CS231N_FILE = str(TARGETS / "seed003_cs231n.py")  # seed 003's rnn_step functions are right


def test_forward_caches_come_back_as_handles_that_backward_accepts() -> None:
    rng = np.random.default_rng(0)
    x, prev_h = rng.standard_normal((3, 4)), rng.standard_normal((3, 5))
    Wx, Wh, b = rng.standard_normal((4, 5)), rng.standard_normal((5, 5)), rng.standard_normal(5)
    dnext_h = rng.standard_normal((3, 5))
    target = IsolatedTarget(CS231N_FILE, timeout=10)
    try:
        Harness(target, load_suite("cs231n"))  # tells the worker which outputs are caches
        next_h, cache = target.rnn_step_forward(x, prev_h, Wx, Wh, b)
        assert isinstance(cache, wire.Handle), f"the cache crossed the pipe as {type(cache).__name__}"
        assert isinstance(next_h, np.ndarray)
        got = target.rnn_step_backward(dnext_h, cache)
    finally:
        target.close()
    expected = cs231n.rnn_step_backward(dnext_h, cs231n.rnn_step_forward(x, prev_h, Wx, Wh, b)[1])
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=0, atol=0)



@pytest.mark.parametrize("name, suite", [("seed000_aliases", "dlai"), ("mutates_inputs", "dlai"),
                                         ("seed004_dlai", "dlai"), ("seed003_cs231n", "cs231n")])
def test_isolated_gradient_checks_give_the_in_process_verdicts(name: str, suite: str) -> None:
    """The worker rebuilds each perturbed call from the arguments sent once: aliases (seed 000's
    U, W) perturbed with their field, fresh copies for a target that writes into its inputs."""
    spec_suite = load_suite(suite)
    in_process = Harness(load_target(str(TARGETS / f"{name}.py")), spec_suite)
    refs = [ref for ref in in_process.items() if ref.kind == "gradcheck"]
    expected = {ref.name: in_process.run(ref).outcome for ref in refs}
    isolated_target = IsolatedTarget(str(TARGETS / f"{name}.py"), timeout=10)
    try:
        isolated = Harness(isolated_target, spec_suite)
        got = {ref.name: isolated.run(ref).outcome for ref in refs}
    finally:
        isolated_target.close()
    assert got == expected
    assert {"pass", "fail"} & set(expected.values()), "no gradient check ran to a verdict"


PIDS_ROOT = sandbox._pids_root()


@pytest.mark.skipif(os.geteuid() != 0 or PIDS_ROOT is None, reason="the pids cgroup bounds root's workers only")
def test_every_worker_is_bounded_beside_groups_a_killed_grader_left() -> None:
    """A grader killed mid-run leaves its empty pids cgroups behind. A new worker whose group
    was named after its pid, and found that name taken, ran with no process bound."""
    last = int(Path("/proc/sys/kernel/ns_last_pid").read_text())
    left = [PIDS_ROOT / f"{sandbox.PIDS_GROUP_PREFIX}{pid}" for pid in range(last + 1, last + 400)]
    for group in left:
        group.mkdir(exist_ok=True)
    try:
        for _ in range(3):
            target = IsolatedTarget(CS231N_FILE, timeout=10)
            try:
                assert "(pids cgroup)" in target.sandbox, target.sandbox
            finally:
                target.close()
        young = PIDS_ROOT / f"{sandbox.PIDS_GROUP_PREFIX}test-young"
        young.mkdir()
        os.utime(left[0], (0, 0))  # long ago
        sandbox.sweep_stale_pids_cgroups()
        assert not left[0].exists(), "an old empty group was not swept"
        assert young.exists(), "a group made a moment ago may be about to get its process: not swept"
        young.rmdir()
    finally:
        for group in left:
            if group.exists():
                group.rmdir()


ENDLESS = '''import ctypes


def spin(x):
    ctypes.CDLL(None).prctl(15, b"hostile-endless", 0, 0, 0)  # PR_SET_NAME: found by name below
    while True:
        pass
'''


def _named(name: str) -> list[str]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                found.append(comm.parent.name)
        except OSError:
            pass
    return found


@pytest.mark.parametrize("namespaces", [True, False], ids=["sandboxed", "fallback"])
def test_a_grader_killed_mid_call_leaves_no_worker_running(tmp_path: Path, monkeypatch, namespaces: bool) -> None:
    """A grading process (or a Dask worker) SIGKILLed while its target loops forever: the whole
    worker chain dies with it, not after the CPU limit. B, the reaper, lacked PR_SET_PDEATHSIG."""
    import signal
    import time

    if not namespaces:
        monkeypatch.setenv(sandbox.FORCE_FALLBACK, "1")
    (tmp_path / "endless.py").write_text(ENDLESS)
    grader = os.fork()
    if grader == 0:  # the grader: calls the endless function with a long timeout
        try:
            IsolatedTarget(str(tmp_path / "endless.py"), timeout=600).spin(np.zeros(1))
        finally:
            os._exit(0)
    deadline = time.monotonic() + 60
    while not _named("hostile-endless") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _named("hostile-endless"), "the target never started"
    os.kill(grader, signal.SIGKILL)
    os.waitpid(grader, 0)
    deadline = time.monotonic() + 10
    while _named("hostile-endless") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _named("hostile-endless") == []


STOPS_ITSELF = '''
import os, signal, threading


def stop_soon(x):
    """Returns, then its process stops itself: it will never read another request."""
    threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGSTOP)).start()
    return 0.0
'''


def test_a_worker_that_stops_reading_times_out_and_does_not_hang_the_grader(tmp_path: Path) -> None:
    """A request larger than the pipe waits for the worker to read it: never past the timeout."""
    import threading
    import time

    from conformance.running.isolation import WorkerFailure

    (tmp_path / "stops.py").write_text(STOPS_ITSELF)
    target = IsolatedTarget(str(tmp_path / "stops.py"), timeout=2.0)
    outcome: dict = {}

    def second_call() -> None:
        try:
            target.stop_soon(np.zeros(1_000_000))  # 8 MB: far more than the pipe holds
        except WorkerFailure as exc:
            outcome["failure"] = exc

    try:
        assert target.stop_soon(np.zeros(3)) == 0.0
        time.sleep(0.5)  # stopped now
        caller = threading.Thread(target=second_call, daemon=True)
        caller.start()
        caller.join(30)
        assert not caller.is_alive(), "the grader hung writing to a worker that stopped reading"
    finally:
        target.close()
    assert outcome["failure"].kind == "timeout" and "did not take the call's arguments" in str(outcome["failure"])
