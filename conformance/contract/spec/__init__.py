"""The spec, loaded: a suite is a folder ``spec/<suite>/`` with a ``suite.json`` (see
``spec/suite.schema.json``) and one ``<function>.json`` per function (see ``spec/schema.json``).
The suites are whatever folders hold a ``suite.json``: nothing in this package names one.
Problems are reported as ``SpecProblem`` (file, JSON path, message) so a person can go
straight to the broken line; ``SpecError`` carries a list of them.

Owns, one module each: what is wrong and where, and the schema check (problems.py); the suites
and their suite.json (suites.py); the read-only model of one function's contract (model.py);
loading a suite's function files, checked (loading.py). Its names are imported from here.
May import: conformance.contract's paths, validated and shapes.
"""

from conformance.contract.spec.loading import load_all, load_suite, semantic_problems
from conformance.contract.spec.model import ARRAY_KINDS, InputDecl, Spec, Suite, alias_table, oracle_for
from conformance.contract.spec.problems import SpecError, SpecProblem, load_schema, schema_problems
# _suite_infos: its cache is cleared by whoever writes a suite.json while we run (tests do)
from conformance.contract.spec.suites import (SUITE_FILE, SUITE_SCHEMA, SuiteInfo, _suite_infos, oracle_module,
                                              resolve_suite_name, suite_infos, suite_names, suite_order)

__all__ = [
    "ARRAY_KINDS", "InputDecl", "SUITE_FILE", "SUITE_SCHEMA", "Spec", "SpecError", "SpecProblem", "Suite", "SuiteInfo",
    "alias_table", "load_all", "load_schema", "load_suite", "oracle_for", "oracle_module", "resolve_suite_name",
    "schema_problems", "semantic_problems", "suite_infos", "suite_names", "suite_order",
]
