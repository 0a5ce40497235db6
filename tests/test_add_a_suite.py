"""Adding a suite is data: an oracle adapter, a folder spec/<suite>/ (suite.json and one file
per function) and ``rnn-conformance regen``. Here a throw-away suite, ``toy``, is made in a
private copy of spec/ and fixtures/ exactly as docs/suites.md "Adding a suite" says, and every part of
the tool that lists, checks, detects or judges suites is shown to take it without a change
to conformance/ (which names no suite)."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from conformance import cli
from conformance.contract import spec as spec_module
from conformance.judging.harness import Harness
from conformance.contract.spec import load_all, resolve_suite_name
from conformance.running.target import detect_suite, load_target
from conformance.judging.verdict import FAIL, PASS
from trees import Tree, cli_on, spec_tree, tree  # noqa: F401 - fixtures

ORACLE = '''
"""The throw-away suite's oracle: a leaky tanh step, h' = (1 - a) h + a tanh(x W + b)."""
import numpy as np


def leaky_step(x, h, W, b, a):
    return (1.0 - a) * h + a * np.tanh(x @ W + b)
'''

SUITE = {"name": "toy", "description": "a throw-away suite made by tests/test_add_a_suite.py",
         "oracle": "toy_oracle", "order": 99, "layout": {"state": "(N, H)"}, "aliases": ["leaky"]}


def _array(name: str, shape: list[str], description: str) -> dict:
    return {"name": name, "kind": "array", "description": description, "shape": shape, "dtype": "float"}


def _case(case_id: str, dims: dict[str, int], seed: int, scale: float = 1.0) -> dict:
    draws = [{"input": name, "fn": "randn"} for name in ("x", "h", "W", "b")]
    draws[0]["scale"] = scale
    return {"id": case_id, "description": f"{case_id} dims", "dims": dims, "seed": seed,
            "draws": draws + [{"input": "a", "fn": "rand"}]}


FUNCTION = {
    "suite": "toy", "function": "leaky_step", "summary": "One leaky tanh step.",
    "math": ["h' = (1 - a) h + a tanh(x W + b)"], "points": 2,
    "dims": {"N": {"meaning": "batch", "min": 1, "max": 4}, "D": {"meaning": "inputs", "min": 1, "max": 4},
             "H": {"meaning": "hidden", "min": 1, "max": 4}, "O": {"meaning": "one", "min": 1, "max": 1}},
    "parameters": [_array("x", ["N", "D"], "input"), _array("h", ["N", "H"], "state"),
                   _array("W", ["D", "H"], "weights"), _array("b", ["H"], "bias"), _array("a", ["O"], "leak")],
    "returns": {"kind": "array", "items": [{"name": "h_next", "kind": "array", "description": "next state",
                                            "shape": ["N", "H"]}]},
    "tolerances": {"float64": {"rtol": 1e-7, "atol": 1e-9}, "float32": {"rtol": 5e-4, "atol": 5e-5}},
    "cases": [_case("random_a", {"N": 3, "D": 2, "H": 4, "O": 1}, 7),
              _case("large_magnitude", {"N": 2, "D": 3, "H": 1, "O": 1}, 8, scale=1000.0)],
}


@pytest.fixture
def toy(cli_on: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    """The copied tree with suite ``toy`` added and its fixtures written by ``regen``."""
    (tmp_path / "toy_oracle.py").write_text(ORACLE)
    monkeypatch.syspath_prepend(str(tmp_path))
    folder = cli_on.spec / "toy"
    folder.mkdir()
    (folder / "suite.json").write_text(json.dumps(SUITE, indent=2))
    (folder / "leaky_step.json").write_text(json.dumps(FUNCTION, indent=2))
    assert cli.main(["regen", "--suite", "toy"]) == 0
    return cli_on


def _target(tmp_path: Path, body: str) -> str:
    file = tmp_path / "student_leaky.py"
    file.write_text("import numpy as np\n\n\n" + textwrap.dedent(body))
    return str(file)


def test_a_new_suite_is_listed_validated_detected_and_judged(toy, tmp_path, capsys):
    assert sorted(p.name for p in (toy.fixtures / "toy" / "leaky_step").iterdir()) == [
        "large_magnitude.npz", "random_a.npz"]
    assert cli.main(["validate"]) == 0
    capsys.readouterr()
    assert cli.main(["list", "--suite", "leaky"]) == 0  # by its alias
    assert "toy" in capsys.readouterr().out
    suites = load_all(toy.spec)
    assert list(suites)[-1] == "toy" and resolve_suite_name("LEAKY", toy.spec) == "toy"

    right = load_target(_target(tmp_path, """
        def leaky_step(x, h, W, b, a):
            return (1 - a) * h + a * np.tanh(x @ W + b)
        """))
    assert detect_suite(right, suites).suite == "toy"
    harness = Harness(right, suites["toy"], diagnose=False)
    refs = harness.items(random_cases=2)
    assert [r.name for r in refs] == ["leaky_step[random_a]", "leaky_step[large_magnitude]",
                                      "leaky_step[hidden_1]", "leaky_step[hidden_2]"]
    assert [harness.run(ref).outcome for ref in refs] == [PASS] * 4


def test_a_new_suite_fails_a_wrong_target_with_its_own_outputs_named(toy, tmp_path):
    wrong = load_target(_target(tmp_path, """
        def leaky_step(x, h, W, b, a):
            return a * h + (1 - a) * np.tanh(x @ W + b)  # the leak applied the other way round
        """))
    harness = Harness(wrong, load_all(toy.spec)["toy"], diagnose=False)
    verdict = harness.run(harness.items()[0])
    assert verdict.outcome == FAIL and verdict.findings[0].output == "h_next"


def test_a_broken_suite_json_is_named_with_its_file_and_path(spec_tree):
    folder = spec_tree.spec / "toy"
    folder.mkdir()
    (folder / "suite.json").write_text(json.dumps({**SUITE, "name": "other"}))
    (folder / "leaky_step.json").write_text(json.dumps(FUNCTION))
    with pytest.raises(spec_module.SpecError) as caught:
        spec_module.suite_infos(spec_tree.spec)
    assert f"{folder / 'suite.json'}: $.name: the folder is 'toy'" in str(caught.value)
    (folder / "suite.json").write_text(json.dumps({k: v for k, v in SUITE.items() if k != "oracle"}))
    with pytest.raises(spec_module.SpecError, match="'oracle' is a required property"):
        spec_module.suite_infos(spec_tree.spec)


def test_a_folder_without_suite_json_is_no_suite(spec_tree):
    (spec_tree.spec / "notes").mkdir()
    (spec_tree.spec / "notes" / "leaky_step.json").write_text(json.dumps(FUNCTION))
    assert "notes" not in spec_module.suite_names(spec_tree.spec)


def test_validate_names_an_oracle_that_is_missing_or_lacks_a_function(toy, tmp_path, capsys, monkeypatch):
    (tmp_path / "toy_oracle.py").write_text("def other(x):\n    return x\n")
    monkeypatch.delitem(sys.modules, "toy_oracle", raising=False)  # imported by regen: read the new file
    assert cli.main(["validate"]) == 1
    assert "suite.json: $.oracle: toy_oracle has no function 'leaky_step'" in capsys.readouterr().err
    (toy.spec / "toy" / "suite.json").write_text(json.dumps({**SUITE, "oracle": "no_such_oracle"}))
    spec_module._suite_infos.cache_clear()
    assert cli.main(["validate"]) == 1
    assert "$.oracle: cannot import 'no_such_oracle': ModuleNotFoundError" in capsys.readouterr().err
