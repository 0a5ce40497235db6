"""benchmarks/run.py runs end to end and writes the figures it promises.

A smoke test only: --quick sizes, three sections (grading, sequence and cluster: the ones that
exercise the grader, the harness and grading on Dask). It asserts what the JSON holds, never how fast anything was:
timings on a shared machine are noise (DESIGN.md: performance is measured, never asserted).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def positive_numbers(tree: object) -> list[float]:
    """Every int or float anywhere in a JSON tree (booleans excluded)."""
    if isinstance(tree, dict):
        return [n for value in tree.values() for n in positive_numbers(value)]
    if isinstance(tree, list):
        return [n for value in tree for n in positive_numbers(value)]
    return [tree] if isinstance(tree, (int, float)) and not isinstance(tree, bool) else []


def test_quick_run_writes_grading_sequence_and_cluster_figures(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--only", "grading",
                           "--only", "sequence", "--only", "cluster", "--json", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Grading throughput" in done.stdout and "Sequence-length growth" in done.stdout
    document = json.loads(out.read_text())

    assert set(document["sections"]) == {"grading", "sequence", "cluster"}
    machine = document["machine"]
    assert machine["cores"] >= 1 and machine["python"] and machine["numpy"] and machine["date"]

    grading = document["sections"]["grading"]
    assert grading["copies"] == 4 and grading["scores_identical"] is True
    assert set(grading["modes"]) == {"isolated --jobs 1", "isolated --jobs 2", "in-process --jobs 1",
                                     "in-process --jobs 2"}
    for mode in grading["modes"].values():
        assert all(mode[key] > 0 for key in ("grade_s", "report_s", "wall_s", "submissions_per_s",
                                             "ratio_vs_isolated_j1"))

    sequence = document["sections"]["sequence"]
    assert sequence["lengths"] == [8, 16]
    assert len(sequence["series"]) == 6  # oracle and harness, each suite with an LSTM backward (dlai, cs231n, torch)
    for series in sequence["series"].values():
        assert set(series) == {"8", "16"}
        assert all(n > 0 for n in positive_numbers(series))

    cluster = document["sections"]["cluster"]
    assert cluster["copies"] == 4 and cluster["scores_identical"] is True
    assert len(cluster["ways"]) == 3
    for way in cluster["ways"].values():
        assert way["grade_s"] > 0 and way["submissions_per_s"] > 0
