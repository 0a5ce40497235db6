"""The sandboxed worker's start-up, this checkout against a baseline commit, in the same run.

A start is what each submission pays once: an ``IsolatedTarget`` of a one-function file, up to the
answer of its first call (namespaces, the view of the files, limits, the seccomp filter, the
import). The baseline's tree is exported with ``git archive`` and each side runs in its own
interpreter, in alternating rounds, so both see the same load on a shared machine.

    python benchmarks/sandbox_start.py [--baseline 214895f] [--rounds 5] [--starts 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = "def answer(x):\n    return x\n"
MEASURE = """
import json, sys, time
sys.path.insert(0, {tree!r})
from conformance.running.isolation import IsolatedTarget
from conformance.running import template
template.start()
times, sandbox = [], ""
for i in range({starts} + 1):
    began = time.perf_counter()
    target = IsolatedTarget({target!r}, timeout=30)
    target.answer(0)
    elapsed = time.perf_counter() - began
    sandbox = target.sandbox
    target.close()
    if i:  # the first start also waits for the template to boot
        times.append(elapsed * 1000)
print(json.dumps({{"ms": times, "sandbox": sandbox}}))
"""


def export(commit: str, into: Path) -> Path:
    """The tree of ``commit`` (code, spec, fixtures), as ``git archive`` gives it."""
    archive = into / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), commit], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def starts(tree: Path, target: Path, count: int) -> dict:
    code = MEASURE.format(tree=str(tree), target=str(target), starts=count)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="214895f", help="the commit to compare with (default: before issue 28)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--starts", type=int, default=20, help="worker starts per side per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rnn-conformance-bench-") as tmp:
        base_tree = export(args.baseline, Path(tmp))
        target = Path(tmp) / "target" / "answer.py"
        target.parent.mkdir()
        target.write_text(TARGET)
        sides = {"baseline": base_tree, "this checkout": ROOT}
        times: dict[str, list[float]] = {name: [] for name in sides}
        described = {}
        for _ in range(args.rounds):
            for name, tree in sides.items():
                got = starts(tree, target, args.starts)
                times[name] += got["ms"]
                described[name] = got["sandbox"]
    print(f"sandboxed worker start (to its first answer), {args.rounds} x {args.starts} starts per side")
    for name in sides:
        ms = sorted(times[name])
        print(f"  {name:14} median {statistics.median(ms):6.1f} ms   p10 {ms[len(ms) // 10]:6.1f}   "
              f"p90 {ms[9 * len(ms) // 10]:6.1f}")
        print(f"  {'':14} {described[name]}")
    delta = statistics.median(times["this checkout"]) - statistics.median(times["baseline"])
    print(f"  difference of the medians: {delta:+.1f} ms per submission")


if __name__ == "__main__":
    main()
