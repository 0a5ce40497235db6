"""The spec and the fixtures defend themselves: malformed specs, tampered, missing and orphan
fixtures, stale checksums and wrong published values are each reported with their file and
JSON path; the CLI says ok on the repository. Regeneration is tested in test_regen.py.

Every broken tree is a copy under tmp_path, made by one mutation of the real one, so each
test shows exactly one defence at work. validate() loads both suites (~0.6 s a call).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import numpy as np
import pytest

from conformance import cli
from conformance.contract.spec import Spec, SpecError, SpecProblem, load_all, load_suite, suite_names
from conformance.contract.validate import validate
from trees import Tree, cli_on, edit_fixture, edit_json, set_checksum, spec_tree, tree  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def repo_specs() -> dict[tuple[str, str], Spec]:
    """The repository's specs by (suite, function)."""
    return {(suite.name, spec.function): spec for suite in load_all().values() for spec in suite}


def spec_problems(tree: Tree, suite: str) -> list[SpecProblem]:
    with pytest.raises(SpecError) as info:
        load_suite(suite, tree.spec)
    return info.value.problems


def assert_one(problems: list[SpecProblem], file: Path | str, json_path: str, *words: str) -> SpecProblem:
    """Exactly one problem at (file, json_path), and its message says every word."""
    hits = [p for p in problems if p.file == str(file) and p.json_path == json_path]
    assert len(hits) == 1, f"expected one problem at {file}: {json_path}, got:\n" + "\n".join(map(str, problems))
    for word in words:
        assert word in hits[0].message, f"{word!r} not in: {hits[0]}"
    assert str(hits[0]).startswith(f"{file}: {json_path}: ")  # what a person reads
    return hits[0]


# --------------------------------------------------------------------- the schema and the semantic checks

def _parent(data, keys: tuple):
    for key in keys[:-1]:
        data = data[key]
    return data


def _delete(*keys: str | int) -> Callable[[dict], object]:
    return lambda data: _parent(data, keys).pop(keys[-1])


def _set(value, *keys: str | int) -> Callable[[dict], None]:
    return lambda data: _parent(data, keys).__setitem__(keys[-1], value)


def _duplicate_case_id(data):
    data["cases"][2]["id"] = data["cases"][0]["id"]


def _draw_unknown_input(data):
    data["cases"][0]["draws"].append({"input": "z", "fn": "randn"})


# (spec file, mutation, JSON path, words of the message). softmax and cs231n/sigmoid are no
# backward's forward, so breaking them breaks nothing else.
MALFORMED = {
    "missing_required_field": ("dlai/softmax", _delete("returns"), "$", ["'returns' is a required property"]),
    "unknown_parameter_kind": ("dlai/softmax", _set("tensor", "parameters", 0, "kind"), "$.parameters[0].kind",
                               ["'tensor' is not one of", "'array'"]),
    "undefined_symbol_in_parameter": ("dlai/softmax", _set(["n_z", "m"], "parameters", 0, "shape"),
                                      "$.parameters[0].shape", ["['n_z']", "never defined in $.dims"]),
    "undefined_symbol_in_return": ("dlai/softmax", _set(["n_y", "n_q"], "returns", "items", 0, "shape"),
                                   "$.returns.items[0].shape", ["['n_q']", "never defined in $.dims"]),
    "negative_rtol": ("dlai/softmax", _set(-1e-7, "tolerances", "float64", "rtol"), "$.tolerances.float64.rtol",
                      ["-1e-07 is less than the minimum of 0"]),
    "missing_float32_tolerance": ("cs231n/sigmoid", _delete("tolerances", "float32"), "$.tolerances",
                                  ["'float32' is a required property"]),
    "duplicate_case_id": ("dlai/softmax", _duplicate_case_id, "$.cases[2].id", ["duplicate case id 'random_small'"]),
    "draw_for_unknown_input": ("dlai/softmax", _draw_unknown_input, "$.cases[0].draws[1].input",
                               ["expected one of ['x']", "found 'z'"]),
    "undefined_dim_bound": ("cs231n/sigmoid", _set("Q", "dims", "N", "max"), "$.dims.N.max",
                            ["symbol 'Q' is not a dimension"]),
    "published_unknown_output": ("dlai/rnn_cell_forward",
                                 _set("h_next", "cases", 0, "published", "values", 0, "output"),
                                 "$.cases[0].published.values[0].output",
                                 ["expected one of ['a_next', 'yt_pred', 'cache']", "found 'h_next'"]),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_spec_is_rejected_at_its_json_path(spec_tree, name):
    key, mutate, json_path, words = MALFORMED[name]
    edit_json(spec_tree.spec_file(key), mutate)
    problems = spec_problems(spec_tree, key.split("/")[0])
    assert_one(problems, spec_tree.spec_file(key), json_path, *words)
    # Follow-on problems (the cases now lack dim n_z) stay in the same file.
    assert {p.file for p in problems} == {str(spec_tree.spec_file(key))}


def test_invalid_json_names_line_and_column(spec_tree):
    file = spec_tree.spec_file("cs231n/rnn_forward")
    file.write_text('{"suite": "cs231n",\n "function": }')
    assert_one(spec_problems(spec_tree, "cs231n"), file, "line 2 column 14", "Expecting value")


def test_validate_reports_a_broken_spec(tree):
    edit_json(tree.spec_file("dlai/softmax"), _duplicate_case_id)
    problems = validate(tree.spec, tree.fixtures)
    assert_one(problems, tree.spec_file("dlai/softmax"), "$.cases[2].id", "duplicate case id")


def test_a_broken_spec_does_not_orphan_its_suites_fixtures(tree):
    edit_json(tree.spec_file("dlai/softmax"), _duplicate_case_id)
    problems = validate(tree.spec, tree.fixtures)
    assert [p.json_path for p in problems] == ["$.cases[2].id"], "\n".join(map(str, problems[:5]))


# --------------------------------------------------------------------- fixtures against spec and checksums

RNN_A = "dlai/rnn_cell_forward/random_a"  # $.cases[1]; no published values, so one change is one problem


def _tamper(tree):
    def bump(arrays):
        arrays["out.a_next"][0, 0] += 1e-9  # far below what a printed value shows
    edit_fixture(tree, RNN_A, bump, record=False)


def _rewrite(mutate: Callable[[dict], object]):
    return lambda tree: edit_fixture(tree, RNN_A, mutate, record=True)


def _publish(value: float):
    """Change the published yt_pred[1][3], 0.36817467 to 8 decimals."""
    return lambda tree: edit_json(tree.spec_file("dlai/rnn_cell_forward"),
                                  _set(value, "cases", 0, "published", "values", 1, "value", 3))


SPEC_RNN = "spec/dlai/rnn_cell_forward.json"
# (mutation of the tree, file the problem names (relative to tmp), JSON path, words of the message)
BROKEN_TREES = {
    "tampered_fixture": (_tamper, SPEC_RNN, "$.cases[1]", ["checksum", RNN_A, "tampered or stale"]),
    "missing_fixture": (lambda tree: tree.fixture("cs231n/lstm_forward/published").unlink(),
                        "spec/cs231n/lstm_forward.json", "$.cases[0]",
                        ["missing fixture", "cs231n/lstm_forward/published.npz"]),
    "stale_checksum": (set_checksum(RNN_A, "0" * 64), SPEC_RNN, "$.cases[1]",
                       ["checksum", RNN_A, "records 0000000000000000", "tampered or stale"]),
    "unrecorded_checksum": (set_checksum(RNN_A, None), SPEC_RNN, "$.cases[1]",
                            ["no checksum recorded for " + RNN_A]),
    "orphan_fixture": (lambda tree: shutil.copy(tree.fixture(RNN_A), tree.fixture("dlai/rnn_cell_forward/renamed")),
                       "fixtures/dlai/rnn_cell_forward/renamed.npz", "$", ["belongs to no case"]),
    "orphan_checksum": (set_checksum("dlai/softmax/gone", "0" * 64), "spec/checksums.json",
                        "$.dlai/softmax/gone", ["checksum for a case that does not exist"]),
    "wrong_dtype": (_rewrite(lambda a: a.update({"out.yt_pred": a["out.yt_pred"].astype(np.float32)})),
                    SPEC_RNN, "$.cases[1]", ["'out.yt_pred'", "expected dtype float64, found float32"]),
    "wrong_shape": (_rewrite(lambda a: a.update({"out.a_next": a["out.a_next"].T.copy()})),
                    SPEC_RNN, "$.cases[1]", ["'out.a_next'", "expected shape (4, 5)", "found (5, 4)"]),
    "lacks_array": (_rewrite(lambda a: a.pop("in.parameters.Waa")),
                    SPEC_RNN, "$.cases[1]", ["lacks array 'in.parameters.Waa'"]),
    "unexpected_array": (_rewrite(lambda a: a.update({"out.cache": np.zeros(3)})),
                         SPEC_RNN, "$.cases[1]", ["unexpected array 'out.cache'"]),
    # Off in the 2nd decimal, and by one unit of the 8th (the last printed): both must show.
    "published_value_off": (_publish(0.37817467), SPEC_RNN, "$.cases[0].published.values[1]",
                            ["yt_pred[1]", "published", "0.37817467", "(to 8 decimals), fixture has", "0.3681746681"]),
    "published_last_digit_off": (_publish(0.36817468), SPEC_RNN, "$.cases[0].published.values[1]",
                                 ["yt_pred[1]", "0.36817468", "(to 8 decimals)"]),
}


# (spec file, mutation, the whole message): the index and numbers as a person writes them.
PUBLISHED_MESSAGES = {
    "vector": ("dlai/rnn_cell_forward", _set(0.37817467, "cases", 0, "published", "values", 1, "value", 3),
               "yt_pred[1][3]: published 0.37817467 (to 8 decimals), fixture has 0.3681746681065052"),
    "scalar": ("cs231n/temporal_softmax_loss", _set(2.4, "cases", 0, "published", "values", 0, "value"),
               "loss: published 2.4 (to 1 decimals), fixture has 2.3027249751664205"),
}


@pytest.mark.parametrize("name", PUBLISHED_MESSAGES)
def test_published_mismatch_reads_like_the_notebook(tree, name):
    key, mutate, message = PUBLISHED_MESSAGES[name]
    edit_json(tree.spec_file(key), mutate)
    [problem] = validate(tree.spec, tree.fixtures)
    assert problem.message == message


def test_copied_tree_is_valid(tree):
    """The baseline every broken tree departs from: so each one problem below is the mutation's."""
    assert validate(tree.spec, tree.fixtures) == []


@pytest.mark.parametrize("name", BROKEN_TREES)
def test_validate_finds_broken_fixture_tree(tree, name):
    mutate, file, json_path, words = BROKEN_TREES[name]
    mutate(tree)
    problems = validate(tree.spec, tree.fixtures)
    where = tree.spec.parent / file  # every problem names the real file, the manifest included
    assert_one(problems, where, json_path, *words)
    assert len(problems) == 1, "\n".join(map(str, problems))


def test_validate_finds_a_recipe_edited_without_regen(tree):
    # The fixture and its checksum still agree; only the recipe moved on.
    edit_json(tree.spec_file("dlai/softmax"), lambda d: d["cases"][0].update(seed=d["cases"][0]["seed"] + 1))
    problems = validate(tree.spec, tree.fixtures)
    assert_one(problems, tree.spec_file("dlai/softmax"), "$.cases[0]", "'in.x'", "not what the case's recipe draws")
    assert len(problems) == 1, "\n".join(map(str, problems))


# --------------------------------------------------------------------- the command line

def test_cli_validate_is_ok_on_the_repository(repo_specs, capsys):
    assert cli.main(["validate"]) == 0
    out, err = capsys.readouterr()
    cases = sum(len(spec.cases) for spec in repo_specs.values())
    assert out.startswith(f"validate: ok — {cases} cases") and err == ""


def test_cli_list_shows_every_function(repo_specs, capsys):
    assert cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {tuple(line.split()[:2]): line.split()[2:4] for line in lines
            if line.startswith(tuple(f"{name} " for name in suite_names()))}
    assert sorted(rows) == sorted(repo_specs)
    for key, spec in repo_specs.items():
        assert rows[key] == [f"{spec.points:g}", str(len(spec.cases))], key
    cases = sum(len(spec.cases) for spec in repo_specs.values())
    assert any(line.startswith(f"{len(repo_specs)} functions, {cases} cases ") for line in lines)


def test_cli_list_filters_by_suite_and_function(capsys):
    assert cli.main(["list", "--suite", "cs231n", "--function", "sigmoid"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(suite_names())]
    assert len(rows) == 1 and rows[0].split()[:2] == ["cs231n", "sigmoid"]


def test_cli_validate_fails_on_a_tampered_tree(cli_on, capsys):
    _tamper(cli_on)
    assert cli.main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and RNN_A in err and err.endswith("validate: 1 problem(s)\n")


def test_cli_reports_an_invalid_spec(cli_on, capsys):
    edit_json(cli_on.spec_file("dlai/softmax"), _delete("returns"))
    assert cli.main(["list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("list: the spec is invalid:\n") and f"{cli_on.spec_file('dlai/softmax')}: $: " in err
