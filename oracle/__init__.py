"""Canonical NumPy implementations of the two suites: ``oracle.dlai`` and ``oracle.cs231n``."""
