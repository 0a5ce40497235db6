"""The torch and onnx suites judge real targets as a user runs them (isolated worker, the
default): a correct NumPy implementation of PyTorch's layout, a rewrite with torch tensor ops
whose backwards come from torch.autograd, and ONNX's own runtimes (onnx.reference, and
onnxruntime where installed) through the thin adapters in examples/onnx_runtimes/.

The layout mistakes themselves (gate order, reset-gate placement, update-gate convention, a
dropped bias) are the corpus's: tests/mistakes/torch/ and onnx/, judged in test_diagnosis.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.contract import cases, fixtures
from conformance.judging.harness import Harness
from conformance.running.isolation import IsolatedTarget
from conformance.contract.spec import load_all
from conformance.running.target import detect_suite, load_notes

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "tests" / "targets"
RUNTIMES = ROOT / "examples" / "onnx_runtimes"
SUITES = load_all()


def judged(path: Path, dtype: str = "float64", random_cases: int = 1) -> tuple[dict[str, tuple], list[str], str]:
    """({item: (outcome, finding kinds, warnings)}, the load notes, the detected suite) for a
    target judged in an isolated worker, every item, in plan order."""
    target = IsolatedTarget(str(path))
    try:
        suite = detect_suite(target, SUITES).suite
        harness = Harness(target, SUITES[suite], dtype=dtype)
        refs = harness.items(random_cases)
        cases.preload(SUITES[suite], refs, 0, fixtures.load_manifest())
        harness.plan(refs)
        verdicts = {ref.name: harness.run(ref) for ref in refs}
        notes = load_notes(harness.module)
    finally:
        target.close()
    return ({name: (v.outcome, sorted({f.kind for f in v.findings}), v.warnings) for name, v in verdicts.items()},
            notes, suite)


def failing(results: dict[str, tuple]) -> dict[str, tuple]:
    """The items that neither pass nor are skipped (gradient checks skip in float32 mode)."""
    return {name: r for name, r in results.items() if r[0] not in ("pass", "skip")}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_numpy_implementation_of_pytorchs_layout_conforms_with_its_own_backwards(dtype):
    results, notes, suite = judged(TARGETS / "_correct_torch.py", dtype=dtype, random_cases=2)
    assert suite == "torch" and failing(results) == {}
    # forwards, backwards fed the target's own return_cache=True cache, and their gradient checks
    assert {"rnn_backward[gradcheck]", "lstm_backward[random_a]", "gru_backward[hidden_2]"} <= set(results)
    assert not any("autograd" in note for note in notes)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_torch_ops_rewrite_conforms_and_its_backwards_come_from_autograd(dtype):
    pytest.importorskip("torch")
    results, notes, suite = judged(TARGETS / "torch_ops_rewrite.py", dtype=dtype)
    assert suite == "torch" and failing(results) == {}
    assert len(results) == 6 * 11 + 3  # every forward and backward item, and a gradient check per backward
    assert results["lstm_backward[gradcheck]"][0] == ("pass" if dtype == "float64" else "skip")
    assert sorted(n.split("`")[1] for n in notes if "torch.autograd" in n) == ["gru_backward", "lstm_backward",
                                                                             "rnn_backward"]


def test_a_torch_ops_rewrite_with_a_layout_mistake_fails_forward_and_autograd_backward(tmp_path):
    pytest.importorskip("torch")
    source = (TARGETS / "torch_ops_rewrite.py").read_text()
    wrong = source.replace("i, f, g, o = (x[t]", "i, f, o, g = (x[t]")  # cs231n's order
    assert wrong != source
    (tmp_path / "torch_ifog.py").write_text(wrong)
    target = IsolatedTarget(str(tmp_path / "torch_ifog.py"))
    try:
        harness = Harness(target, SUITES["torch"])
        forward = harness.run(next(r for r in harness.items() if r.name == "lstm_forward[random_a]"))
        backward = harness.run(next(r for r in harness.items() if r.name == "lstm_backward[random_a]"))
        others = [harness.run(r).outcome for r in harness.items() if r.function.startswith(("rnn", "gru"))]
    finally:
        target.close()
    assert forward.outcome == "fail" and "gate-order" in forward.ids
    assert backward.outcome == "fail" and {f.output for f in backward.findings} >= {"dw_ih", "dx"}
    assert set(others) == {"pass"}


def test_onnx_reference_runtime_conforms_in_float64_and_warns_where_its_sigmoid_overflows():
    pytest.importorskip("onnx")
    results, _, suite = judged(RUNTIMES / "onnx_reference.py", random_cases=2)
    assert suite == "onnx" and failing(results) == {}
    warned = sorted(name for name, (_, _, warnings) in results.items() if warnings)
    # its sigmoid is 1 / (1 + exp(-x)): exp overflows for the saturated gates; tanh-only RNN never warns
    assert warned == ["gru[large_magnitude]", "gru_linear_before_reset[large_magnitude]", "lstm[large_magnitude]"]
    assert all("overflow encountered in exp" in results[name][2][0] for name in warned)


def test_onnxruntime_conforms_in_float32_and_returns_float32_when_asked_for_float64():
    pytest.importorskip("onnxruntime")
    results, _, suite = judged(RUNTIMES / "onnxruntime_cpu.py", dtype="float32", random_cases=2)
    assert suite == "onnx" and failing(results) == {}
    in_float64, _, _ = judged(RUNTIMES / "onnxruntime_cpu.py", random_cases=0)
    assert in_float64 and all(outcome == "fail" and kinds == ["dtype"] for outcome, kinds, _ in in_float64.values())


def test_a_numpy_implementation_that_also_imports_torch_is_judged_as_numpy(tmp_path):
    pytest.importorskip("torch")
    source = (TARGETS / "_correct_torch.py").read_text()
    (tmp_path / "numpy_importing_torch.py").write_text(
        source.replace("import numpy as np\n", "import numpy as np\nimport torch  # for the student's own checks\n", 1))
    results, notes, suite = judged(tmp_path / "numpy_importing_torch.py", random_cases=0)
    assert suite == "torch" and failing(results) == {}
    assert not any("tensors" in note or "autograd" in note for note in notes)


def test_only_functions_whose_code_uses_torch_get_tensors(tmp_path):
    pytest.importorskip("torch")
    from conformance.running.tensors import uses_framework

    (tmp_path / "mixed_torch.py").write_text(
        "import numpy as np\nimport torch as T\nfrom torch import sigmoid\n\n"
        "def _cell(x, h):\n    return T.tanh(x + h)\n\n"
        "def via_helper(x, h):\n    return _cell(x, h)\n\n"
        "def via_alias(x):\n    return sigmoid(x)\n\n"
        "def in_a_lambda(x):\n    return (lambda y: T.exp(y))(x)\n\n"
        "def numpy_only(x):\n    return np.tanh(x) + len('torch')\n\n"
        "class _Hostile:\n    def __getattribute__(self, name):\n        raise RuntimeError(name)\n\n"
        "hostile = _Hostile()\n\ndef touches_hostile(x):\n    return hostile(x) + T.tanh(x)\n")
    module = load_target_module(tmp_path / "mixed_torch.py")
    uses = {name: uses_framework(getattr(module, name), "torch")
            for name in ("via_helper", "via_alias", "in_a_lambda", "numpy_only", "touches_hostile")}
    assert uses == {"via_helper": True, "via_alias": True, "in_a_lambda": True, "numpy_only": False,
                    "touches_hostile": True}  # an object whose every attribute raises is passed over


def load_target_module(path: Path):
    from conformance.running.target import load_target

    return load_target(str(path))


def test_a_torch_class_finds_torch_imported_once_in_the_template(tmp_path):
    """Graded with --suite torch, every worker is forked from a template that imported torch (each
    worker would otherwise pay ~2.3 s); without --suite nothing is preloaded. The probe target is
    right only when torch was already imported as its module ran."""
    pytest.importorskip("torch")
    from conformance.grading.grade import grade

    source = (TARGETS / "torch_ops_rewrite.py").read_text().replace(
        "import torch\n", "import sys\n\nPRELOADED = 'torch' in sys.modules\n\nimport torch\n", 1)
    source = source.replace("    return torch.stack(states), h\n\n\ndef lstm_forward",
                            "    return torch.stack(states) * (1.0 if PRELOADED else 2.0), h\n\n\ndef lstm_forward", 1)
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "probe.py").write_text(source)
    preloaded = grade([tmp_path / "probe"], tmp_path / "with_suite", suite="torch", jobs=1, random_cases=0,
                      report=False, progress=False)
    plain = grade([tmp_path / "probe"], tmp_path / "detected", jobs=1, random_cases=0, report=False,
                  progress=False)
    assert preloaded[0].suite == plain[0].suite == "torch"
    assert preloaded[0].score == preloaded[0].max_score
    assert plain[0].score < plain[0].max_score  # rnn_forward's output doubled: torch was not preloaded


def test_a_backward_whose_forward_takes_no_return_cache_is_told_what_was_asked(tmp_path):
    source = (TARGETS / "_correct_torch.py").read_text().replace(
        "def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh, return_cache=False):", "def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh):")
    (tmp_path / "no_flag.py").write_text(source.replace("    if return_cache:\n        return output, h, (x, h0, w_ih, "
                                                        "w_hh, output)\n", "", 1))
    results, _, _ = judged(tmp_path / "no_flag.py", random_cases=0)
    assert results["rnn_forward[random_a]"][0] == "pass"  # a plain call never passes the flag
    target = IsolatedTarget(str(tmp_path / "no_flag.py"))
    try:
        harness = Harness(target, SUITES["torch"], diagnose=False)
        verdict = harness.run(next(r for r in harness.items() if r.name == "rnn_backward[random_a]"))
    finally:
        target.close()
    assert verdict.outcome == "error" and verdict.culprit == "rnn_forward"
    assert "called with return_cache=True as its last argument, it returns its cache last" in verdict.note
    assert "takes 6 positional arguments but 7 were given" in verdict.note
