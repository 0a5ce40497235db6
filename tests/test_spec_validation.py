"""The spec and the fixtures defend themselves: malformed specs, tampered, missing and orphan
fixtures, stale checksums and wrong published values are each reported with their file and
JSON path; regeneration is deterministic; the CLI says ok on the repository.

Every broken tree is a copy under tmp_path, made by one mutation of the real one, so each
test shows exactly one defence at work. validate() loads both suites (~0.6 s a call).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from conformance import cli, fixtures, paths
from conformance.regen import regenerate
from conformance.spec import Spec, SpecError, SpecProblem, load_all, load_suite
from conformance.validate import validate
from fixture_compare import mismatches


class Tree(NamedTuple):
    spec: Path
    fixtures: Path

    def spec_file(self, key: str) -> Path:  # key: "dlai/softmax"
        return self.spec / f"{key}.json"

    def fixture(self, key: str) -> Path:  # key: "dlai/softmax/random_small"
        return self.fixtures / f"{key}.npz"


@pytest.fixture
def spec_tree(tmp_path: Path) -> Tree:
    """A private copy of spec/ only (enough for load_suite)."""
    shutil.copytree(paths.spec_dir(), tmp_path / "spec")
    return Tree(tmp_path / "spec", tmp_path / "fixtures")


@pytest.fixture
def tree(spec_tree: Tree) -> Tree:
    """A private copy of spec/ and fixtures/, laid out as in the repository."""
    shutil.copytree(paths.fixtures_dir(), spec_tree.fixtures)
    return spec_tree


@pytest.fixture(scope="module")
def repo_specs() -> dict[tuple[str, str], Spec]:
    """The repository's specs by (suite, function)."""
    return {(suite.name, spec.function): spec for suite in load_all().values() for spec in suite}


def edit_json(file: Path, mutate: Callable[[dict], object]) -> None:
    data = json.loads(file.read_text())
    mutate(data)
    file.write_text(json.dumps(data, indent=1))


def edit_fixture(tree: Tree, key: str, mutate: Callable[[dict], object], record: bool) -> None:
    """Rewrite a fixture as the writer would; record=True also records its new checksum,
    so that only the mutation itself is left to find."""
    arrays = fixtures.read_fixture(tree.fixture(key))
    mutate(arrays)
    fixtures.write_fixture(tree.fixture(key), arrays)
    if record:
        manifest = fixtures.load_manifest(tree.spec)
        manifest[key] = fixtures.content_checksum(arrays)
        fixtures.save_manifest(manifest, tree.spec)


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


def _set_checksum(key: str, value: str | None):
    def mutate(tree):
        manifest = fixtures.load_manifest(tree.spec)
        if value is None:
            del manifest[key]
        else:
            manifest[key] = value
        fixtures.save_manifest(manifest, tree.spec)
    return mutate


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
    "stale_checksum": (_set_checksum(RNN_A, "0" * 64), SPEC_RNN, "$.cases[1]",
                       ["checksum", RNN_A, "records 0000000000000000", "tampered or stale"]),
    "unrecorded_checksum": (_set_checksum(RNN_A, None), SPEC_RNN, "$.cases[1]",
                            ["no checksum recorded for " + RNN_A]),
    "orphan_fixture": (lambda tree: shutil.copy(tree.fixture(RNN_A), tree.fixture("dlai/rnn_cell_forward/renamed")),
                       "fixtures/dlai/rnn_cell_forward/renamed.npz", "$", ["belongs to no case"]),
    "orphan_checksum": (_set_checksum("dlai/softmax/gone", "0" * 64), "spec/checksums.json",
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


# --------------------------------------------------------------------- regeneration is deterministic

REGEN_SCRIPT = """
import sys
from pathlib import Path
from conformance.regen import regenerate
from conformance.spec import load_all
regenerate(load_all().values(), root=Path(sys.argv[1]), spec_root=Path(sys.argv[2]))
"""


def files_of(root: Path) -> dict[str, bytes]:
    return {f.relative_to(root).as_posix(): f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file()}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Tree:
    """Every fixture and the manifest, regenerated in this process into a fresh folder."""
    base = tmp_path_factory.mktemp("regen_a")
    (base / "spec").mkdir()
    regenerate(load_all().values(), root=base / "fixtures", spec_root=base / "spec")
    return Tree(base / "spec", base / "fixtures")


def test_regen_is_byte_identical_across_processes(regenerated, tmp_path):
    # Another interpreter with another hash seed: set or dict order cannot leak into the bytes.
    env = dict(os.environ, PYTHONHASHSEED="12345")
    (tmp_path / "spec").mkdir()
    subprocess.run([sys.executable, "-c", REGEN_SCRIPT, str(tmp_path / "fixtures"), str(tmp_path / "spec")],
                   check=True, env=env)
    first, second = files_of(regenerated.fixtures), files_of(tmp_path / "fixtures")
    assert len(first) == 200 and sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert (regenerated.spec / fixtures.MANIFEST).read_bytes() == (tmp_path / "spec" / fixtures.MANIFEST).read_bytes()


def test_committed_fixtures_are_written_by_write_fixture(tmp_path):
    """Sorted keys, fixed timestamps, stored: rewriting a committed fixture gives its bytes back."""
    differ = []
    for file in sorted(paths.fixtures_dir().glob("*/*/*.npz")):
        fixtures.write_fixture(tmp_path / "x.npz", fixtures.read_fixture(file))
        if (tmp_path / "x.npz").read_bytes() != file.read_bytes():
            differ.append(file.relative_to(paths.fixtures_dir()).as_posix())
    assert differ == []


def test_regen_reproduces_committed_fixtures_and_checksums(regenerated):
    new, old = files_of(regenerated.fixtures), files_of(paths.fixtures_dir())
    assert sorted(new) == sorted(old)
    differ = [name for name in new if new[name] != old[name]]
    if differ:
        # Bytes identical to the commit hold only where OpenBLAS picks the kernels that wrote
        # it (Haswell/Zen: FMA); see fixture_compare. Elsewhere `regen` would rewrite these
        # files, which is no error if the arrays differ by rounding only. Same arrays in
        # other bytes, though, would mean the writer changed.
        pairs = {name: (fixtures.read_fixture(regenerated.fixtures / name),
                        fixtures.read_fixture(paths.fixtures_dir() / name)) for name in differ}
        same = fixtures.content_checksum
        rewritten = [name for name, (a, b) in pairs.items() if same(a) == same(b)]
        assert rewritten == [], "same arrays, other bytes: write_fixture is no longer canonical"
        assert {name: lines for name, (a, b) in pairs.items() if (lines := mismatches(a, b))} == {}
        pytest.skip(f"{len(differ)} fixtures differ from the commit only by this BLAS's rounding")
    assert (regenerated.spec / fixtures.MANIFEST).read_bytes() == (paths.spec_dir() / fixtures.MANIFEST).read_bytes()


# --------------------------------------------------------------------- the command line

def test_cli_validate_is_ok_on_the_repository(repo_specs, capsys):
    assert cli.main(["validate"]) == 0
    out, err = capsys.readouterr()
    cases = sum(len(spec.cases) for spec in repo_specs.values())
    assert out.startswith(f"validate: ok — {cases} cases") and err == ""


def test_cli_list_shows_every_function(repo_specs, capsys):
    assert cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {tuple(line.split()[:2]): line.split()[2:4] for line in lines if line.startswith(("dlai ", "cs231n "))}
    assert sorted(rows) == sorted(repo_specs)
    for key, spec in repo_specs.items():
        assert rows[key] == [f"{spec.points:g}", str(len(spec.cases))], key
    cases = sum(len(spec.cases) for spec in repo_specs.values())
    assert any(line.startswith(f"{len(repo_specs)} functions, {cases} cases ") for line in lines)


def test_cli_list_filters_by_suite_and_function(capsys):
    assert cli.main(["list", "--suite", "cs231n", "--function", "sigmoid"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("dlai", "cs231n"))]
    assert len(rows) == 1 and rows[0].split()[:2] == ["cs231n", "sigmoid"]


@pytest.fixture
def cli_on(tree, monkeypatch) -> Tree:
    """Point the CLI (which has no --spec-root) at the copied tree through its one seam."""
    monkeypatch.setattr(paths, "data_root", lambda: tree.spec.parent)
    return tree


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


def test_cli_regen_repairs_a_tree(cli_on, capsys):
    cli_on.fixture(RNN_A).unlink()
    _set_checksum("dlai/softmax/random_small", "0" * 64)(cli_on)
    assert cli.main(["regen", "--function", "rnn_cell_forward"]) == 0
    assert cli.main(["regen", "--suite", "dlai", "--function", "softmax"]) == 0
    assert f"wrote 7 fixtures under {cli_on.fixtures}" in capsys.readouterr().out
    assert cli.main(["validate"]) == 0


def test_cli_regen_refuses_an_installed_copy(cli_on, monkeypatch, capsys):
    monkeypatch.setattr(paths, "is_source_checkout", lambda: False)
    before = files_of(cli_on.spec.parent)
    assert cli.main(["regen"]) == 2
    assert "installed copy" in capsys.readouterr().err
    assert files_of(cli_on.spec.parent) == before
