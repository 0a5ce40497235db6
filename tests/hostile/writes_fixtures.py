"""softmax overwrites every fixture and spec file it can find, then returns the right answer.
The worker sees neither folder (hidden) and nothing of the file system is writable."""
from pathlib import Path

from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []
PRINTS = ["tampered with 0 files"]


def softmax(x):
    done = 0
    for root in ("@FIXTURES_DIR@", "@SPEC_DIR@"):
        for file in Path(root).rglob("*.*"):
            try:
                file.write_bytes(b"tampered")
                done += 1
            except OSError:
                pass
    print(f"tampered with {done} files")
    return _softmax(x)
