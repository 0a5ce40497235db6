"""Regenerate fixtures from the spec with the oracle, and record their checksums.

Regeneration never churns: a stored fixture whose arrays equal the oracle's to rounding
(``fixtures.differences``) keeps its bytes, and ``spec/checksums.json`` is written only
when an entry changed. Only real changes, new and unreadable fixtures are rewritten, and
each is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conformance.contract import fixtures, paths
from conformance.contract.spec import Spec, Suite

# What regen did to one case's fixture.
NEW = "new"              # there was no fixture file: written
REWRITTEN = "rewritten"  # unreadable, or a change beyond rounding: written
CHECKSUM = "checksum"    # the file kept, its checksum re-recorded in spec/checksums.json
UNCHANGED = "unchanged"  # nothing written


class RegenRefused(Exception):
    """Regeneration would write into an installed package."""


@dataclass(frozen=True)
class CaseRegen:
    """One case's outcome: ``action`` is one of NEW, REWRITTEN, CHECKSUM, UNCHANGED; ``reasons``
    says why (one line per differing array), empty when unchanged."""
    key: str
    path: Path
    action: str
    reasons: tuple[str, ...] = ()

    @property
    def written(self) -> bool:
        return self.action in (NEW, REWRITTEN)


@dataclass(frozen=True)
class RegenReport:
    cases: list[CaseRegen]
    manifest_written: bool  # False: spec/checksums.json was not touched

    @property
    def rewritten(self) -> list[CaseRegen]:
        return [case for case in self.cases if case.written]

    @property
    def changed(self) -> list[CaseRegen]:
        """Every case regen did something for (written, or its checksum re-recorded)."""
        return [case for case in self.cases if case.action != UNCHANGED]


def regenerate(suites: Iterable[Suite], function: str | None = None,
               root: Path | None = None, spec_root: Path | None = None) -> RegenReport:
    """Bring every case's fixture (or one function's) and its checksum up to date.

    root/spec_root default to the checkout's fixtures/ and spec/; without a checkout and
    without explicit folders this refuses: never write into an installed package.
    """
    if root is None and not paths.is_source_checkout():
        raise RegenRefused("regen writes fixtures/ and spec/checksums.json of a source checkout; "
                           "this is an installed copy. Clone the repository and `pip install -e .` there.")
    manifest = fixtures.load_manifest(spec_root)
    cases = []
    for suite in suites:
        for spec in suite:
            if function and spec.function != function:
                continue
            cases += [regen_case(spec, case, manifest, root) for case in spec.cases]
    return RegenReport(cases, fixtures.save_manifest(manifest, spec_root))


def regen_case(spec: Spec, case: dict, manifest: dict[str, str], root: Path | None = None) -> CaseRegen:
    """Write one case's fixture unless the stored one equals the oracle's arrays to rounding;
    update ``manifest`` (the caller saves it) to the checksum of whichever arrays are on disk."""
    key = spec.case_key(case["id"])
    path = fixtures.fixture_path(spec, case["id"], root)
    new = fixtures.expected_arrays(spec, case)
    if not path.is_file():
        action, reasons = NEW, (f"no fixture at {path}",)
    else:
        try:
            stored = fixtures.read_fixture(path)
        except fixtures.FixtureError as exc:
            action, reasons = REWRITTEN, (str(exc),)
        else:
            action, reasons = REWRITTEN, tuple(fixtures.differences(new, stored))
            if not reasons:
                return _keep(key, path, stored, manifest)
    fixtures.write_fixture(path, new)
    manifest[key] = fixtures.content_checksum(new)
    return CaseRegen(key, path, action, reasons)


def _keep(key: str, path: Path, stored: dict, manifest: dict[str, str]) -> CaseRegen:
    """The stored bytes stay; only a missing or stale checksum of them is re-recorded."""
    found = fixtures.content_checksum(stored)
    recorded = manifest.get(key)
    if recorded == found:
        return CaseRegen(key, path, UNCHANGED)
    manifest[key] = found
    was = "had none" if recorded is None else f"recorded {recorded[:12]}…"
    return CaseRegen(key, path, CHECKSUM, (f"fixture kept; spec/{fixtures.MANIFEST} {was}, "
                                           f"its arrays hash to {found[:12]}…",))
