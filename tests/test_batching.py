"""A function's items asked of the worker in one request (Harness.plan) give the verdicts that
asking for them one at a time gives, whatever a call in the middle of a batch does: return
wrong values, raise, kill the worker, hang, modify its input, warn; and whatever the grader asks
in between (a diagnosis probe of a failing item, a gradient check).

The target misbehaves per item, chosen by the item's own inputs (never by the order of calls),
so both ways of asking meet the same behaviour on the same item.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.contract import fixtures
from conformance.contract.cases import load_inputs_and_expected
from conformance.grading.grade_submission import all_refs
from conformance.judging.harness import Harness
from conformance.running.isolation import IsolatedTarget
from conformance.contract.spec import load_suite

TARGETS = Path(__file__).parent / "targets"
RANDOM_CASES = 2
# per function, the behaviour of its n-th plain item (fixture cases, then random ones); the rest are right
PLANS = {
    "rnn_cell_forward": ["ok", "exit", "ok", "raise", "mutate", "warn", "wrong"],
    "lstm_backward": ["wrong", "ok", "raise", "ok", "exit"],
    "softmax": ["ok", "hang", "ok"],
    "lstm_cell_forward": ["mutate", "warn", "ok"],
}

TARGET = '''
import os, time, warnings
import numpy as np
from _correct_dlai import *  # noqa: F401,F403
import _correct_dlai as right

BEHAVIOUR = {behaviour!r}  # (function, key of the first argument) -> what to do


def _key(arg):
    first = arg[0] if isinstance(arg, tuple) else arg  # lstm_backward's first argument is da
    return repr(float(np.asarray(first).ravel()[0]))


def _misbehaving(name):
    def function(*args):
        what = BEHAVIOUR.get((name, _key(args[0])), "ok")
        if what == "exit":
            os._exit(3)
        if what == "raise":
            raise ValueError("a raise in the middle of a batch")
        if what == "hang":
            time.sleep(60)
        if what == "warn":
            warnings.warn("a warning of this item only", RuntimeWarning)
        if what == "mutate":
            args[0][...] = 0.5
            return getattr(right, name)(*args)
        out = getattr(right, name)(*args)
        if what == "wrong":
            return (out[0] * 1.5, *out[1:]) if isinstance(out, tuple) else out * 1.5
        return out
    function.__name__ = name
    return function


{definitions}
'''


def write_target(folder: Path) -> Path:
    suite = load_suite("dlai")
    manifest = fixtures.load_manifest()
    behaviour = {}
    for function, plan in PLANS.items():
        refs = [ref for ref in all_refs(suite, RANDOM_CASES) if ref.function == function and ref.kind != "gradcheck"]
        assert len(refs) >= len(plan), (function, len(refs))
        for ref, what in zip(refs, plan):
            inputs, _ = load_inputs_and_expected(suite.specs[function], ref, 0, manifest)
            first = suite.specs[function].parameters[0]["name"]
            behaviour[(function, repr(float(inputs[first].ravel()[0])))] = what
    assert len(behaviour) == sum(map(len, PLANS.values())), "two items share a key: pick another"
    folder.mkdir()
    shutil.copy(TARGETS / "_correct_dlai.py", folder / "_correct_dlai.py")
    definitions = "\n".join(f"{name} = _misbehaving({name!r})" for name in PLANS)
    (folder / "misbehaves.py").write_text(TARGET.format(behaviour=behaviour, definitions=definitions))
    return folder / "misbehaves.py"


def judge(target_file: Path, batched: bool, monkeypatch, order=None) -> tuple[dict[str, tuple], list[str]]:
    """{item: (outcome, message, ids, warnings)} and the operations sent to the worker. order: the
    items run in this order (by default the planned one)."""
    ops: list[str] = []
    request, batch = IsolatedTarget._request, IsolatedTarget.batch

    def counting_request(self, message, timeout):
        ops.append(message["op"])
        return request(self, message, timeout)

    def counting_batch(self, *args, **kwargs):
        ops.append("call_batch")
        return batch(self, *args, **kwargs)

    monkeypatch.setattr(IsolatedTarget, "_request", counting_request)
    monkeypatch.setattr(IsolatedTarget, "batch", counting_batch)
    target = IsolatedTarget(str(target_file), timeout=1.0)
    try:
        harness = Harness(target, load_suite("dlai"))
        refs = harness.items(RANDOM_CASES)
        if batched:
            harness.plan(refs)
        verdicts = {}
        for ref in order(refs) if order else refs:
            v = harness.run(ref)
            verdicts[ref.name] = (v.outcome, v.message, v.ids, v.warnings)
    finally:
        target.close()
        monkeypatch.setattr(IsolatedTarget, "_request", request)
        monkeypatch.setattr(IsolatedTarget, "batch", batch)
    return verdicts, ops


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    target_file = write_target(tmp_path_factory.mktemp("batching") / "target")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {batched: judge(target_file, batched, monkeypatch) for batched in (False, True)}


def test_batched_verdicts_are_the_one_at_a_time_verdicts(both_ways):
    one_at_a_time, batched = both_ways[False][0], both_ways[True][0]
    assert list(batched) == list(one_at_a_time)
    for name in one_at_a_time:
        assert batched[name] == one_at_a_time[name], name


def test_every_behaviour_was_met(both_ways):
    """The comparison above covers each way a call can end (seen in the verdicts themselves)."""
    verdicts = both_ways[True][0]
    texts = "\n".join(f"{name} {outcome} {message} {warnings}" for name, (outcome, message, _, warnings)
                      in verdicts.items())
    for sign in ("exited with code 3", "raised ValueError: a raise in the middle of a batch",
                 "modified its input", "a warning of this item only", "did not finish within 1 s",
                 "timed out on softmax", "expected "):
        assert sign in texts, sign
    outcomes = {name: outcome for name, (outcome, *_) in verdicts.items()}
    # a right call after a worker died in the same batch is judged right (run in a fresh worker)
    rnn_cell = [o for name, o in outcomes.items() if name.startswith("rnn_cell_forward[")]
    assert rnn_cell[:4] == ["pass", "error", "pass", "error"], rnn_cell


def test_items_are_asked_for_in_batches(both_ways):
    one_at_a_time, batched = both_ways[False][1], both_ways[True][1]
    assert "call_batch" not in one_at_a_time
    assert batched.count("call_batch") >= len(load_suite("dlai").specs) - 2  # softmax, sigmoid... one each
    assert len(batched) < len(one_at_a_time) / 2, (len(batched), len(one_at_a_time))


def test_items_run_in_another_order_than_planned_get_the_same_verdicts(tmp_path, monkeypatch):
    """Each function's second item runs first: asking for the third then reads the second's reply
    first, and when that call killed the worker (rnn_cell_forward), the third is run alone."""
    target_file = write_target(tmp_path / "target")

    def second_first(refs):
        functions = list(dict.fromkeys(ref.function for ref in refs))
        order = []
        for function in functions:
            mine = [r for r in refs if r.function == function]
            order += [mine[1], mine[0], *mine[2:]] if len(mine) > 1 else mine
        return order

    one_at_a_time, _ = judge(target_file, False, monkeypatch, second_first)
    batched, ops = judge(target_file, True, monkeypatch, second_first)
    assert "call_batch" in ops
    assert batched == one_at_a_time


def test_a_request_kept_for_one_target_serves_the_next(tmp_path):
    """grade keeps each batch request with the suite it loaded once: a class's targets share it.
    Judged after a correct target on the same suite, a buggy one gets the verdicts it gets alone."""
    buggy = Path(__file__).parents[1] / "examples" / "my_rnn.py"

    def verdicts(target_file: Path, suite) -> dict[str, tuple]:
        target = IsolatedTarget(str(target_file), timeout=10)
        try:
            harness = Harness(target, suite)
            refs = harness.items(RANDOM_CASES)
            harness.plan(refs)
            return {ref.name: (v.outcome, v.message, v.ids) for ref in refs for v in [harness.run(ref)]}
        finally:
            target.close()

    alone = verdicts(buggy, load_suite("dlai"))
    shared = load_suite("dlai")
    verdicts(TARGETS / "_correct_dlai.py", shared)
    kept = [key for spec in shared for key in spec.loaded if key[0] == "batch request"]
    assert kept, "no batch request was kept"
    assert verdicts(buggy, shared) == alone
    assert sum(v[0] != "pass" for v in alone.values()) >= 10  # the buggy target does fail
