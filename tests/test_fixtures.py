"""Every committed fixture equals what the oracle computes from its case, via pytest-regressions.

One item per case of every function of both suites, named by its case key
(``dlai/rnn_cell_forward/published``). The fixture itself is the regression file
(``fullpath``), so:

- a fixture agrees when ``fixtures.differences`` finds nothing: equal to rounding, the same
  rule by which ``rnn-conformance regen`` keeps a file, so neither path churns on another BLAS;
- a missing fixture is written and its item fails ("File not found in data directory, created:");
- ``pytest tests --force-regen`` (or ``--regen-all``) writes through ``regen.regen_case``, like
  ``rnn-conformance regen``: a real change is rewritten and its item still fails; a fixture
  equal to rounding keeps its bytes (only a stale checksum of it is re-recorded);
- ``spec/checksums.json`` is updated with the fixture, and only when an entry changed, so a
  regen through pytest leaves ``rnn-conformance validate`` green.

Regenerate serially: two xdist workers updating ``spec/checksums.json`` at once could lose
an entry (``rnn-conformance regen`` is the safe bulk command).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from pytest_regressions.common import perform_regression_check

from conformance.contract import fixtures, paths
from conformance.contract.regen import regen_case
from conformance.contract.spec import Spec, load_all

# The spec is data: loading it at collection costs ~0.6 s and gives one item per case.
CASES = [pytest.param(spec, case, id=spec.case_key(case["id"]))
         for suite in load_all().values() for spec in suite for case in spec.cases]


def write_and_record(path: Path, arrays: dict[str, np.ndarray], spec: Spec, case: dict) -> None:
    """pytest-regressions' dump_fn: into the repository's fixtures/, what ``rnn-conformance regen``
    would write (its checksum with it); anywhere else (the "obtained" copy), ``arrays``."""
    source = fixtures.fixture_path(spec, case["id"])
    if Path(path).resolve() == source.resolve():
        if not paths.is_source_checkout():  # never write into an installed package
            pytest.fail(f"refusing to write {source}: not a source checkout (clone the repository and "
                        f"`pip install -e .` to regenerate fixtures)")
        manifest = fixtures.load_manifest()
        regen_case(spec, case, manifest)
        fixtures.save_manifest(manifest)
    else:
        fixtures.write_fixture(path, arrays)


def check_fixture(obtained: Path, expected: Path, key: str) -> None:
    """pytest-regressions' check_fn: the oracle's arrays against the committed fixture and its checksum."""
    committed = fixtures.read_fixture(expected)
    problems = fixtures.differences(fixtures.read_fixture(obtained), committed)
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
        dump_fn=lambda path: write_and_record(path, arrays, spec, case),
        extension=".npz",
        fullpath=fixtures.fixture_path(spec, case["id"]),
    )


def _npy() -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.zeros(3))
    return buffer.getvalue()


def _zip_of_text(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p.write_bytes(b"not a zip"), "not an .npz archive (a zip of .npy arrays)"),
    (lambda p: p.write_bytes(_npy()),
     "not an .npz archive (a zip of .npy arrays)"),
    (_zip_of_text, "a zip holding notes.txt, which is not an .npy array"),
], ids=["text", "npy", "zip_of_text"])
def test_a_file_that_is_not_a_fixture_says_so(tmp_path: Path, make, says: str) -> None:
    # NumPy alone would talk of pickled data and allow_pickle= (a text file), or hand back bytes
    path = tmp_path / "case.npz"
    make(path)
    with pytest.raises(fixtures.FixtureError) as refused:
        fixtures.read_fixture(path)
    assert str(refused.value) == f"{path} is not a fixture: {says}; `rnn-conformance regen` rewrites it"
