"""Diagnosis: every known mistake of the catalogue is recognised, by evidence, in real-looking
implementations written independently of it (tests/mistakes/), and never in correct ones.

A corpus file holds one mistake (its docstring names the id and the functions that fail); the
test judges it in-process and asserts that its id is given on at least one of those functions,
that no other id is given anywhere (an unrelated hint is worse than none), and that every other
function still passes. benchmarks/diagnosis.py measures the shares per function.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from conformance.contract import calling, catalogue
from conformance.contract.cases import CaseRef, random_case
from conformance.judging.harness import Harness
from conformance.contract.recipe import build_inputs
from conformance.contract.spec import load_all
from conformance.running.target import load_target
from oracle.mistakes import switched_on

sys.path.insert(0, str(Path(__file__).parent))
from mistakes.corpus import BASES, TARGETS, Mutant, mutants, target  # noqa: E402

SUITES = load_all()
CORPUS = mutants()
EXAMPLES = Path(__file__).parent.parent / "examples" / "submissions"


def judge(path: Path, suite: str, functions: set[str] | None = None, random_cases: int = 1) -> dict[str, list]:
    """function -> [(item name, outcome, misconception ids, warnings)] for a target, in-process.
    The target's module (alice's is named rnn_utils, as the course's helpers) and its folder
    leave sys.modules and sys.path afterwards: later tests import their own."""
    modules, search_path = set(sys.modules), list(sys.path)
    try:
        return _judge(path, suite, functions, random_cases)
    finally:
        for name in set(sys.modules) - modules:
            if "site-packages" not in (getattr(sys.modules[name], "__file__", None) or ""):  # torch cannot be re-imported
                del sys.modules[name]
        sys.path[:] = search_path


def _judge(path: Path, suite: str, functions: set[str] | None, random_cases: int) -> dict[str, list]:
    harness = Harness(load_target(str(path)), SUITES[suite])
    found: dict[str, list] = {}
    for ref in harness.items(random_cases):
        if functions is None or ref.function in functions:
            verdict = harness.run(ref)
            found.setdefault(ref.function, []).append((ref.name, verdict.outcome, verdict.ids, verdict.warnings))
    return found


def test_every_catalogue_id_has_two_independent_corpus_files() -> None:
    ids = set(catalogue.titles())
    counts = Counter(m.mistake for m in CORPUS)
    assert ids == set(counts), f"ids without a corpus file: {ids - set(counts)}; unknown ids: {set(counts) - ids}"
    assert all(n >= 2 for n in counts.values()), {i: n for i, n in counts.items() if n < 2}


@pytest.mark.parametrize("mutant", CORPUS, ids=[m.name for m in CORPUS])
def test_each_known_mistake_is_diagnosed_with_its_id(mutant: Mutant, tmp_path: Path) -> None:
    results = judge(target(mutant, tmp_path), mutant.suite)
    given = {i for f in mutant.shows_in for (_, _, ids, _) in results[f] for i in ids}
    assert mutant.mistake in given, f"{mutant.name}: {mutant.mistake} not given; given {sorted(given)}"
    everywhere = Counter(i for items in results.values() for (_, _, ids, _) in items for i in ids)
    wrong = set(everywhere) - {mutant.mistake, *mutant.also}
    assert not wrong, f"{mutant.name}: unrelated ids {sorted(wrong)}"
    for function, items in results.items():
        failing = [name for name, outcome, _, _ in items if outcome not in ("pass", "skip")]
        if function in mutant.shows_in and not mutant.warns_only:
            assert failing, f"{mutant.name}: {function} should fail"
        else:
            assert not failing, f"{mutant.name}: {function} should pass, fails {failing}"
    if mutant.warns_only:  # a warning, never a failure: passing items carry the id and the warning
        warned = [(ids, warnings) for f in mutant.shows_in for (_, _, ids, warnings) in results[f] if warnings]
        assert warned and all(mutant.mistake in ids for ids, _ in warned), warned


# Targets written with torch tensors need the crosscheck extra; without it they skip and say so.
NEEDS_TORCH = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="PyTorch not installed (the crosscheck extra): this target is written with torch")
CORRECT = [(TARGETS / "_correct_dlai.py", "dlai"), (TARGETS / "_correct_cs231n.py", "cs231n"),
           (TARGETS / "seed000_aliases.py", "dlai"), pytest.param(TARGETS / "torch_rewrite.py", "cs231n", marks=NEEDS_TORCH),
           (EXAMPLES / "alice" / "rnn_utils.py", "dlai"), (TARGETS / "_correct_torch.py", "torch"),
           (TARGETS / "_correct_onnx.py", "onnx"), pytest.param(TARGETS / "torch_ops_rewrite.py", "torch", marks=NEEDS_TORCH)]


@pytest.mark.parametrize("path, suite", CORRECT, ids=[(p.values[0] if hasattr(p, "values") else p[0]).stem for p in CORRECT])
def test_correct_implementations_get_no_misconception(path: Path, suite: str) -> None:
    results = judge(path, suite, random_cases=3)
    given = {name: ids for items in results.values() for (name, _, ids, _) in items if ids}
    assert not given, given


def test_the_seeds_real_bugs_get_their_ids() -> None:
    """Bugs no one here wrote: seed 004's dWaa from da_prev and global-max softmax, seed 003's
    log of normalised probabilities."""
    bob = judge(TARGETS / "seed004_dlai.py", "dlai")
    assert "recurrent-weight-gradient" in {i for (_, _, ids, _) in bob["rnn_cell_backward"] for i in ids}
    assert "overflow" in {i for (_, _, ids, _) in bob["softmax"] for i in ids}
    seed003 = judge(TARGETS / "seed003_cs231n.py", "cs231n", {"temporal_softmax_loss"})
    assert [ids for (name, outcome, ids, _) in seed003["temporal_softmax_loss"] if outcome == "fail"] == [["overflow"]]


def _forms() -> list[tuple[str, str, str]]:
    """(suite, id, form) of every oracle variant the catalogue names."""
    return sorted({(name, entry.id, rule["variant"]) for name, suite in SUITES.items()
                   for entry in catalogue.load(suite).entries for rule in entry.evidence if "variant" in rule})


@pytest.mark.parametrize("suite, mistake, form", _forms())
def test_every_variant_the_catalogue_names_changes_the_oracle(suite: str, mistake: str, form: str) -> None:
    """A form the oracle has no switch for (a typo) would never be evidence: each one changes
    some output of some function it applies to, on the spec's own cases."""
    entry = next(e for e in catalogue.load(SUITES[suite]).entries if e.id == mistake)
    oracle = SUITES[suite].oracle
    for function in entry.functions:
        spec = SUITES[suite].specs[function]
        for case in [*spec.cases, random_case(spec, 0, 0)]:
            inputs = build_inputs(spec, case)
            right = calling.run(oracle, spec, inputs)
            try:
                with switched_on(mistake, form), np.errstate(all="ignore"):
                    wrong = calling.run(oracle, spec, inputs)
            except (ValueError, IndexError):  # the mistake breaks this function outright: it does change it
                return
            for item in spec.outputs:
                if item["kind"] != "cache" and not _same(right[item["name"]], wrong[item["name"]]):
                    return
    pytest.fail(f"{suite} {mistake}: form {form!r} changes no output of {entry.functions}")


def _same(a: object, b: object) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def test_the_catalogue_validates_and_names_every_issue_id() -> None:
    ids = json.loads((Path(__file__).parent.parent / "spec" / "catalogue" / "ids.json").read_text())["ids"]
    required = {"softmax-axis", "overflow", "missing-bias", "transposed-weight", "cache-layout", "missing-activation",
                "wrong-activation", "wrong-step-input", "state-off-by-one", "concat-order", "gate-order",
                "initial-cell-state", "state-not-carried", "activation-derivative", "bias-gradient-reduction",
                "recurrent-weight-gradient", "gradient-not-carried", "initial-state-gradient", "skipped-step",
                "backward-time-order", "gradient-overwritten", "forget-gate-factor", "weights-vs-gradients",
                "input-mutation", "embedding-accumulate", "index-offset", "dtype", "loss-normalisation",
                "mask-ignored", "reshape-order", "return-structure"}
    assert required <= set(ids)
    for suite in SUITES.values():
        catalogue.load(suite)  # raises SpecError on any problem


def test_diagnosis_never_changes_an_outcome(tmp_path: Path) -> None:
    """Hints only: with diagnosis off, every item has the same outcome."""
    mutant = next(m for m in CORPUS if m.path.stem == "gradient_not_carried__lstm_da_t_alone")
    module = load_target(str(target(mutant, tmp_path)))
    on, off = Harness(module, SUITES["dlai"]), Harness(module, SUITES["dlai"], diagnose=False)
    refs = on.items(1)
    assert [on.run(r).outcome for r in refs] == [off.run(r).outcome for r in refs]
    assert any(off.run(r).outcome == "fail" and not off.run(r).ids for r in refs)


def test_the_common_lstm_backward_bug_is_explained_first(tmp_path: Path) -> None:
    """The issue's example: cell backward called with da[:, :, t] alone. The why comes first."""
    mutant = next(m for m in CORPUS if m.path.stem == "gradient_not_carried__lstm_da_t_alone")
    harness = Harness(load_target(str(target(mutant, tmp_path))), SUITES["dlai"])
    message = harness.run(CaseRef("lstm_backward", "random_a", "fixture")).message
    assert message.startswith("why: the gradient flowing back through time is dropped"), message
    assert message.splitlines()[0].endswith("[gradient-not-carried]")


def test_a_forms_hint_names_what_the_student_wrote(tmp_path: Path) -> None:
    """A switch's key (h-relu) is no name for a student: the hint says which activation is wrong."""
    mutant = next(m for m in CORPUS if m.name == "cs231n/wrong_activation__rnn_relu")
    harness = Harness(load_target(str(target(mutant, tmp_path))), SUITES["cs231n"])
    message = harness.run(CaseRef("rnn_step_forward", "random_a", "fixture")).message
    assert message.startswith("why: `h` has the wrong nonlinearity:"), message
