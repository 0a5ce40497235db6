"""Grading: one submission (a job of plain data), a class (a pool of grading processes, resumable),
the suites a run uses with its points, Dask jobs on a cluster, and Gradescope's autograder.

Owns: turning submissions into results on disk. May import: conformance.reports,
conformance.judging, conformance.running, conformance.contract.
"""
