"""softmax overwrites every fixture and spec file it can find, then returns the right answer.
The worker's view of spec/, fixtures/ and the harness is read-only (where namespaces exist)."""
from conformance import paths
from oracle.dlai import *  # noqa: F401,F403
from oracle.dlai import softmax as _softmax

VERDICT, WORDS = "softmax", ["Read-only file system"]


def softmax(x):
    for root in (paths.fixtures_dir(), paths.spec_dir()):
        for file in root.rglob("*.*"):
            file.write_bytes(b"tampered")
    return _softmax(x)
