"""Regeneration is deterministic and never churns: on an unchanged spec, ``rnn-conformance regen``
and ``pytest tests --force-regen`` rewrite no file (bytes and mtime), whatever the BLAS; a real
change, a new and an unreadable fixture are rewritten, and listed with the reason.

Another BLAS's rounding is simulated twice: by moving stored values a few ulps
(``np.nextafter``), and for real by running the oracle on OpenBLAS's kernels without FMA
(``OPENBLAS_CORETYPE=Prescott``; elsewhere that variable is ignored and the run is plain).
Every tree is a private copy under tmp_path (tests/trees.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from conformance import cli
from conformance.contract import fixtures, paths
from conformance.contract.regen import CHECKSUM, NEW, REWRITTEN, RegenReport, regenerate
from conformance.contract.spec import load_all
from trees import Tree, cli_on, edit_fixture, edit_json, files_of, set_checksum, spec_tree, tree  # noqa: F401 - fixtures

CASES = sum(len(spec.cases) for suite in load_all().values() for spec in suite)  # every suite's
RNN_A = "dlai/rnn_cell_forward/random_a"
SOFTMAX = "dlai/softmax/random_small"
OLD = 1_000_000_000 * 10**9  # 2001-09-09, in ns: any write moves a file's mtime off it
TOLERANCE = 1e-12  # fixtures.REGEN_RTOL as docs/spec.md states it
ULPS = 16  # a few ulp of each element, as FMA moves a well-conditioned one (cancellation: the Prescott test)


def run_regen(tree: Tree) -> RegenReport:
    return regenerate(load_all(tree.spec).values(), root=tree.fixtures, spec_root=tree.spec)


def _files(tree: Tree) -> list[Path]:
    return sorted(f for folder in (tree.spec, tree.fixtures) for f in folder.rglob("*") if f.is_file())


def age(tree: Tree) -> dict[str, tuple[bytes, int]]:
    """Set the mtime of every file of the tree to OLD; return every file's (bytes, mtime)."""
    for file in _files(tree):
        os.utime(file, ns=(OLD, OLD))
    return snapshot(tree)


def snapshot(tree: Tree) -> dict[str, tuple[bytes, int]]:
    base = tree.spec.parent
    return {f.relative_to(base).as_posix(): (f.read_bytes(), f.stat().st_mtime_ns) for f in _files(tree)}


def touched(tree: Tree, before: dict[str, tuple[bytes, int]]) -> list[str]:
    """Files written, created or removed since ``before`` (a rewrite of the same bytes counts)."""
    after = snapshot(tree)
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def round_differently(arrays: dict[str, np.ndarray]) -> None:
    """Move every nonzero float output element ULPS ulp up or down (alternately), as a BLAS
    with other kernels might. Exact zeros stay: they are products with an exact 0 (a saturated
    tanh's derivative, a zero c_prev), which no summation order changes."""
    for key, arr in arrays.items():
        if key.startswith("out.") and arr.dtype.kind == "f":
            toward = np.where(np.arange(arr.size).reshape(arr.shape) % 2 == 0, np.inf, -np.inf)
            moved = arr
            for _ in range(ULPS):
                moved = np.nextafter(moved, toward)
            arrays[key] = np.where(arr == 0, arr, moved)


def perturb(factor: float, key: str = "out.a_next") -> Callable[[dict], None]:
    """Move one element by ``factor`` x the documented tolerance for its array (TOLERANCE, not
    fixtures.REGEN_RTOL: a tolerance changed in the code must show here)."""
    def mutate(arrays: dict[str, np.ndarray]) -> None:
        arr = arrays[key]
        arr[(0,) * arr.ndim] += factor * TOLERANCE * np.abs(arr).max()
    return mutate


def every_fixture(tree: Tree) -> list[str]:
    return sorted(f.relative_to(tree.fixtures).with_suffix("").as_posix() for f in tree.fixtures.glob("*/*/*.npz"))


def off_the_commit(tree: Tree) -> list[str]:
    """How the tree's fixtures and checksums differ from the committed ones, by regen's own rule
    (fixtures.differences), not byte for byte: a fixture regen rewrote holds this CPU's arrays,
    which may round otherwise (NumPy's AVX-512 exp: 1 ulp), and its checksum is of those. A file
    with the committed bytes must keep the committed checksum; a rewritten one, its own."""
    ours, theirs = files_of(tree.fixtures), files_of(paths.fixtures_dir())
    manifest, committed = fixtures.load_manifest(tree.spec), fixtures.load_manifest(paths.spec_dir())
    problems = [f"{name}: only in the tree" for name in sorted(ours.keys() - theirs.keys())]
    problems += [f"{name}: missing from the tree" for name in sorted(theirs.keys() - ours.keys())]
    problems += [f"spec/checksums.json: {key} added or dropped" for key in sorted(manifest.keys() ^ committed.keys())]
    for name in sorted(ours.keys() & theirs.keys()):
        key = name.removesuffix(".npz")
        if ours[name] == theirs[name]:
            if manifest.get(key) != committed.get(key):
                problems.append(f"spec/checksums.json: {key} is not the committed checksum of its committed bytes")
            continue
        arrays = fixtures.read_fixture(tree.fixtures / name)
        problems += [f"{key}: {line}" for line in
                     fixtures.differences(arrays, fixtures.read_fixture(paths.fixtures_dir() / name))]
        if manifest.get(key) != fixtures.content_checksum(arrays):
            problems.append(f"spec/checksums.json: {key} is not its rewritten fixture's checksum")
    return problems


# --------------------------------------------------------------------- regen leaves an unchanged tree alone

def test_regen_of_the_committed_tree_touches_no_file(tree):
    """Runs on every machine: where this BLAS rounds otherwise, the tolerance is what keeps the files."""
    before = age(tree)
    report = run_regen(tree)
    assert len(report.cases) == CASES
    assert [(c.key, c.action, c.reasons) for c in report.changed] == []
    assert not report.manifest_written
    assert touched(tree, before) == []


def test_regen_keeps_fixtures_that_differ_by_rounding(tree):
    for key in every_fixture(tree):
        edit_fixture(tree, key, round_differently, record=True)
    before = age(tree)
    report = run_regen(tree)
    assert [(c.key, c.action, c.reasons[:1]) for c in report.changed] == []
    assert not report.manifest_written and touched(tree, before) == []


def test_regen_under_a_blas_without_fma_touches_no_file(tree):
    """OpenBLAS's Prescott kernels (no FMA) round ~490 output arrays of the committed fixtures
    differently (at most 2.3e-13 of scale, measured); on another BLAS the variable is ignored."""
    before = age(tree)
    script = ("import sys; from pathlib import Path; from conformance import cli\nfrom conformance.contract import paths\n"
              "paths.data_root = lambda: Path(sys.argv[1])\nsys.exit(cli.main(['regen']))\n")
    env = dict(os.environ, OPENBLAS_CORETYPE="Prescott")
    done = subprocess.run([sys.executable, "-c", script, str(tree.spec.parent)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"regen: 0 rewritten, {CASES} unchanged "
                                  f"(equal to the oracle within 1e-12 x max|array|)")
    assert done.stdout.endswith("spec/checksums.json unchanged\n")
    assert touched(tree, before) == []


# --------------------------------------------------------------------- a real change is rewritten, and only it

@pytest.mark.parametrize(("factor", "rewritten"), [(0.5, False), (2.0, True)])
def test_regen_draws_the_line_at_the_tolerance(tree, factor, rewritten):
    edit_fixture(tree, RNN_A, perturb(factor), record=True)
    before = age(tree)
    report = run_regen(tree)
    if not rewritten:
        assert report.changed == [] and touched(tree, before) == []
        return
    [case] = report.changed
    assert (case.key, case.action) == (RNN_A, REWRITTEN)
    [reason] = case.reasons
    assert reason.startswith("out.a_next[0, 0]: oracle gives ") and "max abs diff " in reason
    assert "1/20 elements differ; must agree to 1e-12 x max|fixture|" in reason
    assert touched(tree, before) == [f"fixtures/{RNN_A}.npz", "spec/checksums.json"]
    # Rewritten with the oracle's arrays: the committed file and checksums come back, to rounding.
    assert off_the_commit(tree) == []


def test_regen_rewrites_a_case_whose_seed_changed(tree):
    """softmax's cases[0] is random_small: a new seed draws another x, so both arrays change."""
    edit_json(tree.spec_file("dlai/softmax"), lambda d: d["cases"][0].update(seed=d["cases"][0]["seed"] + 1))
    manifest = fixtures.load_manifest(tree.spec)
    before = age(tree)
    report = run_regen(tree)
    [case] = report.changed
    assert (case.key, case.action) == (SOFTMAX, REWRITTEN)
    assert [reason.split("[")[0] for reason in case.reasons] == ["in.x", "out.probs"]
    assert case.reasons[0].endswith("elements differ; must agree exactly)")
    assert touched(tree, before) == [f"fixtures/{SOFTMAX}.npz", "spec/checksums.json"]
    after = fixtures.load_manifest(tree.spec)
    assert sorted(after) == sorted(manifest) and [k for k in manifest if manifest[k] != after[k]] == [SOFTMAX]


def test_regen_writes_new_and_unreadable_fixtures_and_rerecords_a_stale_checksum(tree):
    stale = "dlai/sigmoid/random_small"
    tree.fixture(RNN_A).unlink()
    tree.fixture(SOFTMAX).write_bytes(b"not a zip")
    set_checksum(stale, "0" * 64)(tree)
    before = age(tree)
    report = run_regen(tree)
    actions = {c.key: (c.action, c.reasons) for c in report.changed}
    assert sorted(actions) == sorted([RNN_A, SOFTMAX, stale])
    assert actions[RNN_A] == (NEW, (f"no fixture at {tree.fixture(RNN_A)}",))
    assert actions[SOFTMAX][0] == REWRITTEN
    assert actions[SOFTMAX][1] == (f"{tree.fixture(SOFTMAX)} is not a fixture: not an .npz archive (a zip of .npy "
                                   f"arrays); `rnn-conformance regen` rewrites it",)
    committed = fixtures.load_manifest(paths.spec_dir())
    assert actions[stale] == (CHECKSUM, (f"fixture kept; spec/checksums.json recorded 000000000000…, "
                                         f"its arrays hash to {committed[stale][:12]}…",))
    assert sorted(c.key for c in report.rewritten) == sorted([RNN_A, SOFTMAX])
    # The kept fixture is not touched; the tree is the committed one again (to rounding: this
    # CPU may compute the rewritten two an ulp off the commit's).
    assert touched(tree, before) == [f"fixtures/{RNN_A}.npz", f"fixtures/{SOFTMAX}.npz", "spec/checksums.json"]
    assert off_the_commit(tree) == []


@pytest.mark.parametrize("spoil", ["beyond_the_tolerance", "a_wrong_checksum", "a_missing_fixture"])
def test_off_the_commit_still_catches_what_regen_would_not_keep(tree, spoil):
    edit_fixture(tree, SOFTMAX, round_differently, record=True)  # rounding, its checksum recorded: equal
    assert off_the_commit(tree) == []
    if spoil == "beyond_the_tolerance":
        edit_fixture(tree, RNN_A, perturb(2.0), record=True)
    elif spoil == "a_wrong_checksum":
        set_checksum(SOFTMAX, "0" * 64)(tree)
    else:
        tree.fixture(RNN_A).unlink()
    [problem] = off_the_commit(tree)
    assert problem.startswith({"beyond_the_tolerance": f"{RNN_A}: out.a_next[0, 0]: oracle gives ",
                               "a_wrong_checksum": f"spec/checksums.json: {SOFTMAX} is not its rewritten",
                               "a_missing_fixture": f"{RNN_A}.npz: missing from the tree"}[spoil]), problem


# --------------------------------------------------------------------- the one comparison, and pytest's path to it

def _arrays() -> dict[str, np.ndarray]:
    return {"in.x": np.array([[1.0, -2.0]]), "in.y": np.array([0, 3]), "out.h": np.array([[0.5, -4.0]])}


def _reshape_retype_rename(arrays: dict[str, np.ndarray]) -> None:
    arrays.update({"out.h": arrays["out.h"].T.copy(), "in.x": arrays["in.x"].astype(np.float32),
                   "out.extra": np.zeros(1)})
    del arrays["in.y"]


DIFFERENCES = {
    "rounding_kept": (lambda a: a.update({"out.h": a["out.h"] * (1 + 1e-13)}), []),
    "value": (lambda a: a["out.h"].__setitem__((0, 1), -4.0 + 1e-11),
              ["out.h[0, 1]: oracle gives -3.99999999999, fixture has -4.0 (max abs diff 1e-11, 1/2 elements "
               "differ; must agree to 1e-12 x max|fixture| = 4e-12)"]),
    "nan": (lambda a: a["out.h"].__setitem__((0, 0), np.nan),
            ["out.h[0, 0]: oracle gives nan, fixture has 0.5 (max abs diff inf, 1/2 elements differ; "
             "must agree to 1e-12 x max|fixture| = 4e-12)"]),
    "input_by_an_ulp": (lambda a: a.update({"in.x": np.nextafter(a["in.x"], 0)}),
                        ["in.x[0, 1]: oracle gives -1.9999999999999998, fixture has -2.0 "
                         "(max abs diff 2.22e-16, 2/2 elements differ; must agree exactly)"]),
    "integer_input": (lambda a: a["in.y"].__setitem__(1, 4),
                      ["in.y[1]: oracle gives 4, fixture has 3 (1/2 elements differ; must agree exactly)"]),
    "dtype_shape_keys": (_reshape_retype_rename,
                         ["in.y: in the fixture, but the oracle does not produce it",
                          "out.extra: produced by the oracle, missing from the fixture",
                          "in.x: oracle gives dtype float32, fixture has float64",
                          "out.h: oracle gives shape (2, 1), fixture has (1, 2)"]),
}


@pytest.mark.parametrize("name", DIFFERENCES)
def test_differences_names_each_array_that_changed(name):
    mutate, lines = DIFFERENCES[name]
    new = _arrays()
    mutate(new)
    assert fixtures.differences(new, _arrays()) == lines


# conformance is imported only once pytest is configured, as its own plugin expects.
FORCE_REGEN = """
import sys
from pathlib import Path
import pytest

class PointAtTree:
    def pytest_configure(self, config):
        from conformance.contract import paths
        paths.data_root = lambda: Path(sys.argv[1])

sys.exit(pytest.main([sys.argv[2], "--force-regen", "-q", "-p", "no:cacheprovider", "--basetemp", sys.argv[3]],
                     plugins=[PointAtTree()]))
"""


def test_force_regen_through_pytest_keeps_rounding_and_rewrites_a_change(tree, tmp_path):
    """The same rule as `regen`: of fixtures all off by rounding and one off beyond it,
    `pytest tests/test_fixtures.py --force-regen` rewrites exactly that one."""
    for key in every_fixture(tree):
        edit_fixture(tree, key, round_differently, record=True)
    edit_fixture(tree, RNN_A, perturb(2.0), record=True)
    before = age(tree)
    test_file = Path(__file__).with_name("test_fixtures.py")
    done = subprocess.run([sys.executable, "-c", FORCE_REGEN, str(tree.spec.parent),
                           f"{test_file}::test_fixture_matches_oracle",  # the cases only, not the file's other tests
                           str(tmp_path / "basetemp")], capture_output=True, text=True, timeout=600)
    assert f"1 failed, {CASES - 1} passed" in done.stdout, done.stdout[-3000:] + done.stderr
    assert f"FAILED {test_file.name}::test_fixture_matches_oracle[{RNN_A}]" in done.stdout.replace("tests/", "")
    assert touched(tree, before) == [f"fixtures/{RNN_A}.npz", "spec/checksums.json"]
    assert off_the_commit(tree) == []  # every other fixture kept at its rounding, RNN_A rewritten


# --------------------------------------------------------------------- regeneration is deterministic

REGEN_SCRIPT = """
import sys
from pathlib import Path
from conformance.contract.regen import regenerate
from conformance.contract.spec import load_all
regenerate(load_all().values(), root=Path(sys.argv[1]), spec_root=Path(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Tree:
    """Every fixture and the manifest, regenerated in this process into a fresh folder."""
    base = tmp_path_factory.mktemp("regen_a")
    (base / "spec").mkdir()
    report = regenerate(load_all().values(), root=base / "fixtures", spec_root=base / "spec")
    assert [c.action for c in report.cases] == [NEW] * CASES and report.manifest_written
    return Tree(base / "spec", base / "fixtures")


def test_regen_is_byte_identical_across_processes(regenerated, tmp_path):
    # Another interpreter with another hash seed: set or dict order cannot leak into the bytes.
    env = dict(os.environ, PYTHONHASHSEED="12345")
    (tmp_path / "spec").mkdir()
    subprocess.run([sys.executable, "-c", REGEN_SCRIPT, str(tmp_path / "fixtures"), str(tmp_path / "spec")],
                   check=True, env=env)
    first, second = files_of(regenerated.fixtures), files_of(tmp_path / "fixtures")
    assert len(first) == CASES and sorted(first) == sorted(second)
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


def test_fresh_regen_equals_the_commit_to_rounding(regenerated):
    """From nothing, regen writes this machine's arrays: the committed ones, to rounding."""
    new, old = files_of(regenerated.fixtures), files_of(paths.fixtures_dir())
    assert sorted(new) == sorted(old)
    far = {name: lines for name in new if new[name] != old[name]
           if (lines := fixtures.differences(fixtures.read_fixture(regenerated.fixtures / name),
                                             fixtures.read_fixture(paths.fixtures_dir() / name)))}
    assert far == {}


# --------------------------------------------------------------------- the command line

def test_cli_regen_says_when_nothing_changed(cli_on, capsys):
    before = age(cli_on)
    assert cli.main(["regen"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"regen: 0 rewritten, {CASES} unchanged (equal to the oracle within 1e-12 x max|array|) "
                          f"under {cli_on.fixtures} in ")
    assert out.endswith(" s; spec/checksums.json unchanged\n") and out.count("\n") == 1 and err == ""
    assert touched(cli_on, before) == []


def test_cli_regen_lists_what_it_rewrote_and_why(cli_on, capsys):
    cli_on.fixture(RNN_A).unlink()
    edit_fixture(cli_on, SOFTMAX, perturb(3.0, "out.probs"), record=True)
    set_checksum("dlai/sigmoid/random_small", "0" * 64)(cli_on)
    assert cli.main(["regen", "--suite", "dlai"]) == 0
    lines = capsys.readouterr().out.splitlines()
    dlai = sum(len(spec.cases) for spec in load_all(cli_on.spec)["dlai"])
    assert lines[0] == f"regen: new {RNN_A}: no fixture at {cli_on.fixture(RNN_A)}"
    assert lines[1].startswith("regen: checksum dlai/sigmoid/random_small: fixture kept; "
                               "spec/checksums.json recorded 0000")
    assert lines[2].startswith(f"regen: rewritten {SOFTMAX}: out.probs[0, 0]: oracle gives ")
    assert "max abs diff " in lines[2] and "1/" in lines[2]
    assert lines[3].startswith(f"regen: 2 rewritten, {dlai - 2} unchanged (equal to the oracle within 1e-12 x "
                               f"max|array|, 1 checksum(s) re-recorded) under {cli_on.fixtures} in ")
    assert lines[3].endswith("; spec/checksums.json updated") and len(lines) == 4
    assert cli.main(["validate"]) == 0


def test_cli_regen_repairs_a_tree(cli_on, capsys):
    cli_on.fixture(RNN_A).unlink()
    set_checksum(SOFTMAX, "0" * 64)(cli_on)
    assert cli.main(["regen", "--function", "rnn_cell_forward"]) == 0
    assert cli.main(["regen", "--suite", "dlai", "--function", "softmax"]) == 0
    out = capsys.readouterr().out
    assert "regen: 1 rewritten, 8 unchanged" in out and "regen: 0 rewritten, 7 unchanged" in out
    assert cli.main(["validate"]) == 0


def test_cli_regen_refuses_an_installed_copy(cli_on, monkeypatch, capsys):
    monkeypatch.setattr(paths, "is_source_checkout", lambda: False)
    before = files_of(cli_on.spec.parent)
    assert cli.main(["regen"]) == 2
    assert "installed copy" in capsys.readouterr().err
    assert files_of(cli_on.spec.parent) == before


def test_cli_regen_names_an_unknown_function(cli_on, capsys):
    assert cli.main(["regen", "--function", "bilstm_forward"]) == 2
    assert capsys.readouterr().err == "regen: no function named 'bilstm_forward' in any suite (did you mean lstm_forward?)\n"
