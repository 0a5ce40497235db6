"""Running a target: loading a file, folder or notebook (and picking a submission's file), the
course helpers supplied by the grader, calling a target with tensors, and the sandboxed worker
(its template, namespaces and limits) that runs untrusted code, spoken to over the wire.

Owns: getting a target's answers, safely. May import: conformance.contract; of the oracle only
where it lies (to hide it: a worker must never see it).
"""
