"""At import, finds the grader's --out in its parents' command lines (/proc/<pid>/cmdline) and, to
be sure, also tries the real output folder's absolute path, then rewrites every results.json there
to full marks. The worker sees only its own processes, and neither the output folder nor anything
writable outside its private /tmp."""
import json
import os
from pathlib import Path

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = None, []
PRINTS = ["forged 0 files"]


def _out_folders():
    found = {"@OUT@"}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for flag, value in zip(args, args[1:]):
            if flag == b"--out":
                found.add(os.path.join(os.readlink(f"/proc/{pid}/cwd"), value.decode()))
    return found


forged = 0
for folder in _out_folders():
    for file in Path(folder).rglob("*.json"):
        try:
            file.write_text(json.dumps({"score": 999, "max_score": 999, "tests": []}))
            forged += 1
        except OSError:
            pass
print(f"forged {forged} files")
