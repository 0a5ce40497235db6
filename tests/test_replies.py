"""Every reply names what it answers: a reply is never judged as another call's (issue 24).

The worker numbers the requests it reads and names, in each reply, the request, the item within
it and its own pid; the grader checks all three. A reply for anything else (a late reply to an
earlier call, a copy of the worker that the submission forked, bytes it wrote onto the pipe)
discards the worker, and the call is asked again, alone, of a fresh worker. A copy of the worker
never speaks at all: a process that is not the worker ends, silent, when it reaches our reply.

Black-box: hostile submissions graded again and again with the options of the class that showed
the mixing (``--jobs 2 --timeout 5 --random-cases 2 --memory-mb 2048``): every item their
``MAY_FAIL`` line does not name must pass, every time. Before the fix, ``exhausts_processes``
had 21 to 41 such items fail per run, with other items' shapes and tracebacks.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conformance.running.isolation import IsolatedTarget, RepliesCrossed
from hostile_expectations import expectation, wrongly_failed

HERE = Path(__file__).parent
CORRECT = HERE / "targets" / "_correct_dlai.py"
HOSTILE = {"exhausts_processes": HERE / "hostile", "fails_mid_batch": HERE / "hostile",
           "hoards_memory": HERE / "replies"}  # name -> its folder
OPTIONS = ["--suite", "dlai", "--jobs", "2", "--timeout", "5", "--random-cases", "2", "--memory-mb", "2048"]
RUNS = 3


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> list[Path]:
    """The hostile class graded RUNS times; each run's output folder."""
    tmp = tmp_path_factory.mktemp("replies")
    submissions = []
    for name, where in HOSTILE.items():
        (tmp / "class" / name).mkdir(parents=True)
        shutil.copy(where / f"{name}.py", tmp / "class" / name)
        shutil.copy(CORRECT, tmp / "class" / name)
        submissions.append(str(tmp / "class" / name))
    outs = []
    for run in range(RUNS):
        out = tmp / f"out{run}"
        done = subprocess.run([sys.executable, "-m", "conformance.cli", "grade", *submissions, "--out", str(out),
                               *OPTIONS], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        outs.append(out)
    return outs


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_no_item_is_judged_on_another_calls_reply_in_any_run(graded: list[Path], name: str) -> None:
    allowed = expectation(HOSTILE[name] / f"{name}.py")["MAY_FAIL"]
    for run, out in enumerate(graded):
        results = json.loads((out / name / "results.json").read_text())
        assert results["tests"], results["output"][:500]
        assert wrongly_failed(results, allowed) == [], f"run {run + 1} of {RUNS}"


def test_a_submission_that_holds_all_memory_is_graded_and_never_blamed_on_the_grader(graded: list[Path]) -> None:
    """The memory rnn_backward keeps is the submission's, never the grader's. (What each of its
    verdicts says depends on where the allocator ran out: a MemoryError, CPython's SystemError,
    the worker out of memory; it is not asserted, see tests/replies/hoards_memory.py.)"""
    for out in graded:
        results = json.loads((out / "hoards_memory" / "results.json").read_text())
        assert results["tests"], results["output"]
        blamed = [t["name"] for t in results["tests"] if "grader's own code" in t["output"]]
        assert "in the grader's own code" not in results["output"] and blamed == []


def test_the_mid_batch_failures_are_each_their_own_items_verdict(graded: list[Path]) -> None:
    """fails_mid_batch's rnn_cell_forward: raise, exit and signal are the verdicts of the items
    that did them; the items whose child raised back into a copy of the worker pass."""
    outputs = {t["name"]: t["output"] for t in json.loads(
        (graded[0] / "fails_mid_batch" / "results.json").read_text())["tests"]}
    said = "\n".join(outputs.values())
    for words in ("raised ValueError: a raise in the middle of a batch", "exited with code 3", "signal SIGSEGV",
                  "bytes your code wrote onto the grader's pipe"):
        assert words in said, words
    assert "Resource temporarily unavailable (a fork refused)" not in said  # the copy never answered


# ------------------------------------------------------------------ the grader's check, white-box

def test_a_late_reply_to_an_earlier_call_is_never_taken_and_the_call_is_asked_alone() -> None:
    """A request whose reply the grader did not read (as when a call's reply comes late): the next
    call reads that reply first. It names the earlier request, so it is not taken: the worker is
    discarded and the call asked again, alone, of a fresh worker, which answers it right."""
    target = IsolatedTarget(str(CORRECT), timeout=10)
    try:
        first, second = np.full((2, 3), -1.0), np.linspace(-2, 2, 6).reshape(2, 3)
        target._send({"op": "call", "function": "sigmoid", "args": [first], "caches": []})  # reply left unread
        crossed, ask = [], target._ask

        def watched_ask(request: dict, timeout: float) -> dict:
            try:
                return ask(request, timeout)
            except RepliesCrossed as exc:
                crossed.append(str(exc))
                raise

        target._ask = watched_ask
        np.testing.assert_allclose(target.sigmoid(second), 1 / (1 + np.exp(-second)), rtol=1e-15)
        assert len(crossed) == 1 and "named request 1 item 0" in crossed[0] and "not request 2 item 0" in crossed[0]
    finally:
        target.close()


def test_a_reply_from_another_process_than_the_worker_is_never_taken() -> None:
    """Same request and item, but sent by another process (a copy of the worker): not taken."""
    target = IsolatedTarget(str(CORRECT), timeout=10)
    try:
        target._worker_pid += 1  # the grader now expects another process: the worker's own replies are strangers'
        with pytest.raises(RepliesCrossed, match="of process"):
            target._ask({"op": "call", "function": "sigmoid", "args": [np.zeros((2, 2))], "caches": []}, 10)
        assert target.pid is None  # discarded
    finally:
        target.close()
