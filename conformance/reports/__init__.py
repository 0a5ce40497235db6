"""Reports: what a run writes and prints from verdicts and scores: the conformance JSON report,
results.json, JUnit XML, summary CSV/JSON, the console table, and the class report with its
figures.

Owns: presenting results. May import: conformance.judging (results, verdicts, scores),
conformance.contract.
"""
