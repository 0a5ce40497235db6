"""Every committed fixture equals what the oracle computes from its case, via pytest-regressions.

One item per case of every function of both suites, named by its case key
(``dlai/rnn_cell_forward/published``). The fixture itself is the regression file
(``fullpath``), so:

- a missing fixture is written and its item fails ("File not found in data directory, created:");
- ``pytest tests --force-regen`` rewrites every fixture that differs, and the item still fails;
- whenever the fixture in ``fixtures/`` is written, its checksum in ``spec/checksums.json`` is
  updated with it, so a regen through pytest leaves ``rnn-conformance validate`` green.

Regenerate serially: two xdist workers updating ``spec/checksums.json`` at once could lose
an entry (``rnn-conformance regen`` is the safe bulk command).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytest_regressions.common import perform_regression_check

from conformance import fixtures, paths
from conformance.spec import Spec, load_all
from fixture_compare import mismatches

# The spec is data: loading it at collection costs ~0.6 s and gives one item per case.
CASES = [pytest.param(spec, case, id=spec.case_key(case["id"]))
         for suite in load_all().values() for spec in suite for case in spec.cases]


def write_and_record(path: Path, arrays: dict[str, np.ndarray], spec: Spec, case_id: str) -> None:
    """pytest-regressions' dump_fn: write ``path``; if it is the repository's fixture, its checksum too."""
    source = fixtures.fixture_path(spec, case_id)
    if Path(path).resolve() == source.resolve():
        if not paths.is_source_checkout():  # never write into an installed package
            pytest.fail(f"refusing to write {source}: not a source checkout (clone the repository and "
                        f"`pip install -e .` to regenerate fixtures)")
        manifest = fixtures.load_manifest()
        manifest[spec.case_key(case_id)] = fixtures.content_checksum(arrays)
        fixtures.write_fixture(path, arrays)
        fixtures.save_manifest(manifest)
    else:
        fixtures.write_fixture(path, arrays)


def check_fixture(obtained: Path, expected: Path, key: str) -> None:
    """pytest-regressions' check_fn: the oracle's arrays against the committed fixture and its checksum."""
    committed = fixtures.read_fixture(expected)
    problems = mismatches(fixtures.read_fixture(obtained), committed)
    # A right fixture under a wrong checksum would leave `validate` red; failing here lets
    # --force-regen repair both.
    recorded, found = fixtures.load_manifest().get(key), fixtures.content_checksum(committed)
    if recorded != found:
        problems.append(f"spec/{fixtures.MANIFEST} records checksum {recorded} for {key}, "
                        f"the fixture's arrays hash to {found}")
    if problems:  # an AssertionError, which is what makes --force-regen rewrite the fixture
        raise AssertionError(f"{key}: fixture {expected} disagrees with the oracle "
                             f"(`pytest tests/test_fixtures.py --force-regen` rewrites it):\n" + "\n".join(problems))


@pytest.mark.parametrize(("spec", "case"), CASES)
def test_fixture_matches_oracle(spec: Spec, case: dict, datadir: Path, original_datadir: Path,
                                request: pytest.FixtureRequest) -> None:
    arrays = fixtures.expected_arrays(spec, case)
    key = spec.case_key(case["id"])
    perform_regression_check(
        datadir=datadir,
        original_datadir=original_datadir,
        request=request,
        check_fn=lambda obtained, expected: check_fixture(obtained, expected, key),
        dump_fn=lambda path: write_and_record(path, arrays, spec, case["id"]),
        extension=".npz",
        fullpath=fixtures.fixture_path(spec, case["id"]),
    )
