"""Grading on Dask against the local pool: ``grade(..., scheduler=...)`` of the same N copies
of the correct bundled submission as the grading section, default options.

Three ways, interleaved ``grade_repeat`` times: the local pool (``--jobs 2``, the baseline);
``--scheduler local:2`` as a user runs it (a LocalCluster of 2 worker processes started and
stopped by the run, so its start-up is in the time); and an already running cluster of 2
workers (``--scheduler tcp://...``): the gap between the last and the baseline is Dask's cost
per job (packing, the scheduler's round trip, the worker's own template start).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from sections.common import Section, Settings, median, ratio
from sections.grading import GradeRun, grade_class, make_copies, score_check

WORKERS = 2


def run(settings: Settings) -> Section:
    import dask
    import distributed

    from conformance.grading import cluster

    ways: dict[str, list[GradeRun]] = {"local pool --jobs 2": [], "--scheduler local:2 (cluster start included)": [],
                                       "running cluster of 2 (tcp://)": []}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp, dask.config.set(cluster.LOCAL_CONFIG):
        scratch = Path(tmp)
        copies = make_copies(scratch / "class", settings.copies)
        with distributed.LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=":0", silence_logs=logging.ERROR) as running:
            grade_class(copies[:2], scratch, isolate=True, jobs=None, scheduler=running.scheduler_address)  # warm
            for _ in range(settings.grade_repeat):
                ways["local pool --jobs 2"].append(grade_class(copies, scratch, isolate=True, jobs=WORKERS))
                ways["--scheduler local:2 (cluster start included)"].append(
                    grade_class(copies, scratch, isolate=True, jobs=None, scheduler=f"local:{WORKERS}"))
                ways["running cluster of 2 (tcp://)"].append(
                    grade_class(copies, scratch, isolate=True, jobs=None, scheduler=running.scheduler_address))
    base = median([r.grade_s for r in ways["local pool --jobs 2"]])
    section = Section("cluster", f"Dask vs the local pool: {settings.copies} copies of alice, default options, "
                                 f"median of {settings.grade_repeat}",
                      ["way", "grade s", "subm/s", "x local pool", "ms per subm over the pool"])
    data = {}
    for way, runs in ways.items():
        seconds = median([r.grade_s for r in runs])
        data[way] = {"grade_s": seconds, "submissions_per_s": settings.copies / seconds,
                     "ratio_vs_local_pool": ratio(seconds, base),
                     "overhead_ms_per_submission": 1000 * (seconds - base) / settings.copies}
        section.rows.append([way, seconds, data[way]["submissions_per_s"], data[way]["ratio_vs_local_pool"],
                             data[way]["overhead_ms_per_submission"]])
    same, line = score_check([r for runs in ways.values() for r in runs])
    section.notes.append(line)
    section.data = {"copies": settings.copies, "workers": WORKERS, "repeat": settings.grade_repeat, "ways": data,
                    "scores_identical": same}
    return section
