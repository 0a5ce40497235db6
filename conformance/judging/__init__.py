"""Judging: the harness that plans and runs a target's items, compares results with the expected
ones, checks gradients, compares caches, diagnoses known mistakes, recognises the reference handed in
as a submission, and turns all of it into verdicts and a submission's scores.

Owns: whether a target conforms, and why not. May import: conformance.running,
conformance.contract, oracle.
"""
