"""Regenerate fixtures from the spec with the oracle, and record their checksums."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from conformance import fixtures, paths
from conformance.spec import Spec, Suite


class RegenRefused(Exception):
    """Regeneration would write into an installed package."""


def regenerate(suites: Iterable[Suite], function: str | None = None,
               root: Path | None = None, spec_root: Path | None = None) -> list[Path]:
    """Write every case's fixture (or one function's) and update spec/checksums.json.

    root/spec_root default to the checkout's fixtures/ and spec/; without a checkout and
    without explicit folders this refuses: never write into an installed package.
    """
    if root is None and not paths.is_source_checkout():
        raise RegenRefused("regen writes fixtures/ and spec/checksums.json of a source checkout; "
                           "this is an installed copy. Clone the repository and `pip install -e .` there.")
    manifest = fixtures.load_manifest(spec_root)
    written = []
    for suite in suites:
        for spec in suite:
            if function and spec.function != function:
                continue
            written += [_regen_case(spec, case, manifest, root) for case in spec.cases]
    fixtures.save_manifest(manifest, spec_root)
    return written


def _regen_case(spec: Spec, case: dict, manifest: dict[str, str], root: Path | None) -> Path:
    arrays = fixtures.expected_arrays(spec, case)
    path = fixtures.fixture_path(spec, case["id"], root)
    fixtures.write_fixture(path, arrays)
    manifest[spec.case_key(case["id"])] = fixtures.content_checksum(arrays)
    return path
