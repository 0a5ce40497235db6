"""The suites a grading run judges with: the course's points applied, every item's data and the
reference's fingerprints loaded once (before a grader forks; once per Dask worker)."""

from __future__ import annotations

from collections.abc import Mapping

from conformance.contract import cases, fixtures
from conformance.contract.spec import Suite, load_all
from conformance.grading.grade_submission import all_refs
from conformance.grading.options import GradeError
from conformance.judging import reference


def with_points(suites: dict[str, Suite], points: Mapping[str, float], suite: str | None) -> dict[str, Suite]:
    """The suites with some functions' points replaced (``--points softmax=0``: a function the
    course provides). A name matches that function in every suite (or only in ``suite``)."""
    for function, value in points.items():
        owners = [s for name, s in suites.items() if function in s.specs and suite in (None, name)]
        if not owners:
            raise GradeError(f"--points: no function {function!r} in {suite or 'any suite'}")
        if not value >= 0:
            raise GradeError(f"--points: {function} must get 0 or more points (got {value:g})")
        for owner in owners:
            owner.specs[function].data = {**owner.specs[function].data, "points": float(value)}
    return suites


def prepare_suites(suite: str | None, points: Mapping[str, float] | None, random_cases: int,
                   random_seed: int) -> dict[str, Suite]:
    """The suites, ``points`` applied, with every item's data and the reference's fingerprints
    loaded: once per grader (before forking), not once per grading process. Raises GradeError."""
    suites = with_points(load_all(), points or {}, suite)
    if suite is not None and suite not in suites:
        raise GradeError(f"unknown suite {suite!r}; choose one of {sorted(suites)}")
    manifest = fixtures.load_manifest()
    reference.oracle_prints()
    for name in [suite] if suite else sorted(suites):
        cases.preload(suites[name], all_refs(suites[name], random_cases), random_seed, manifest)
    return suites
