"""The oracle against its own past and against the machine's DGEMM rate (issue 24, part 4).

cs231n ``lstm_forward`` + ``lstm_backward`` (and the RNN's) at N=64 T=64 D=128 H=256, float64, timed in
ONE run with the repetitions alternating between: the oracle of each baseline commit (its ``oracle/``
taken with ``git archive`` into a temporary folder and imported under its own module objects), this
checkout's oracle, and ``torch.nn.LSTM`` / ``RNN`` (forward + ``.backward()``, float64, 2 threads) when
torch is installed. Medians. Each is reported as a ratio to torch, to the first baseline, and as the
share of the DGEMM rate it reaches: the LSTM's GEMMs are 2*N*T*(D+H)*G*H FLOPs forward and twice that
backward (G = 4 gates, 1 for the RNN); the DGEMM rate is a large ``np.matmul`` timed in the same rounds.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import numpy as np

from oracle import cs231n
from sections import versus_torch
from sections.common import ROOT, Section, median, ratio, timed

BASELINES = ("e5bc42a", "b3129a6~1", "af0e987")  # before the switches; the switches' parent; before this fix
DIMS = {"N": 64, "T": 64, "D": 128, "H": 256}
DGEMM_SIZE = 2048  # a square matmul this big runs at the BLAS's full rate


def gemm_flops(kind: str, dims: dict[str, int]) -> float:
    """The forward + backward GEMM FLOPs of one sequence: forward 2*N*T*(D+H)*G*H, backward twice that."""
    gates = versus_torch.KINDS[kind][2]
    return 3 * 2 * dims["N"] * dims["T"] * (dims["D"] + dims["H"]) * gates * dims["H"]


@contextmanager
def _foreign_oracle(folder: Path) -> Iterator[None]:
    """While inside, ``import oracle...`` finds the copy in ``folder``; afterwards this checkout's
    modules are back (the imported copy keeps its own module objects, and so its own globals)."""
    saved = {name: mod for name, mod in sys.modules.items() if name == "oracle" or name.startswith("oracle.")}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "oracle" or n.startswith("oracle.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def load_oracle(commit: str, into: Path) -> ModuleType | str:
    """``oracle.cs231n`` as it was at ``commit``, or why it cannot be had."""
    done = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "oracle"], capture_output=True, check=False)
    if done.returncode != 0:
        return f"git archive {commit} failed: {done.stderr.decode(errors='replace').strip()}"
    folder = into / commit.replace("~", "_").replace("/", "_")
    with tarfile.open(fileobj=BytesIO(done.stdout)) as archive:
        archive.extractall(folder, filter="data")
    with _foreign_oracle(folder):
        return importlib.import_module("oracle.cs231n")


def sequence_pass(module: ModuleType, kind: str, p: dict[str, np.ndarray]) -> Callable[[], tuple]:
    """One oracle's forward + backward of ``kind``: returns (h, dx)."""
    forward, backward = (getattr(module, f"{kind.lower()}_{way}") for way in ("forward", "backward"))

    def run() -> tuple:
        h, cache = forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
        return h, backward(p["dh"], cache)[0]
    return run


def dgemm_pass(size: int = DGEMM_SIZE) -> tuple[Callable[[], Any], float]:
    """A square float64 matmul and its FLOPs."""
    rng = np.random.RandomState(1)
    a, b = rng.randn(size, size), rng.randn(size, size)
    out = np.empty((size, size))
    return (lambda: np.matmul(a, b, out=out)), 2.0 * size ** 3


def measure(passes: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Seconds of every pass, alternating: each round runs every pass once, after one warm-up call each."""
    for run in passes.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in passes}
    for _ in range(repeat):
        for name, run in passes.items():
            times[name].append(timed(run)[0])
    return times


def run(repeat: int = 7, baselines: tuple[str, ...] = BASELINES, kinds: tuple[str, ...] = ("LSTM", "RNN"),
        dims: dict[str, int] | None = None) -> Section:
    """Time every oracle (baselines, current) and torch on each kind, alternating; one table."""
    dims = dims or DIMS
    shape = ", ".join(f"{k}={v}" for k, v in dims.items())
    base = baselines[0] if baselines else "current"
    section = Section("oracle", f"The oracle vs its baselines and torch: cs231n {shape}, float64, forward + backward, "
                                f"median of {repeat}, alternating",
                      ["kind", "oracle", "ms", "vs torch", f"vs {base}", "% DGEMM", "best ms", "best % DGEMM",
                       "max|dh, dx - current|"])
    found = versus_torch.import_torch()
    torch = mapping = None
    if isinstance(found, str):
        section.notes.append(f"torch not timed: {found}")
    else:
        torch, mapping, _ = found
        torch.set_num_threads(versus_torch.TORCH_THREADS)
    data: dict[str, Any] = {"dims": dims, "repeat": repeat, "baselines": list(baselines), "kinds": {}}
    with tempfile.TemporaryDirectory(prefix="oracle-baselines-") as tmp:
        modules: dict[str, ModuleType] = {}
        for commit in baselines:
            loaded = load_oracle(commit, Path(tmp))
            if isinstance(loaded, str):
                section.notes.append(f"{commit} not timed: {loaded}")
            else:
                modules[commit] = loaded
        modules["current"] = cs231n
        gemm, gemm_flop = dgemm_pass()
        for kind in kinds:
            p = versus_torch.problem(kind, dims)
            passes = {name: sequence_pass(module, kind, p) for name, module in modules.items()}
            if torch is not None:
                passes["torch"] = versus_torch.torch_pass(torch, mapping, kind, p)
            passes["dgemm"] = gemm
            results = {name: run_() for name, run_ in passes.items() if name != "dgemm"}
            times = measure(passes, repeat)
            seconds = {name: median(values) for name, values in times.items()}
            rate, best_rate = gemm_flop / seconds["dgemm"], gemm_flop / min(times["dgemm"])
            flops = gemm_flops(kind, dims)
            rows = {}
            for name in passes:
                if name == "dgemm":
                    continue
                diff = max(float(np.max(np.abs(a - b))) for a, b in zip(results[name], results["current"]))
                rows[name] = {"s": seconds[name], "runs_s": times[name],
                              "ratio_vs_torch": ratio(seconds[name], seconds["torch"]) if "torch" in seconds else None,
                              "ratio_vs_baseline": ratio(seconds[name], seconds.get(base, seconds["current"])),
                              "dgemm_fraction": flops / rate / seconds[name], "best_s": min(times[name]),
                              "best_dgemm_fraction": flops / best_rate / min(times[name]),
                              "max_abs_diff_vs_current": diff}
                r = rows[name]
                section.rows.append([kind, name, 1e3 * r["s"], r["ratio_vs_torch"], r["ratio_vs_baseline"],
                                     100 * r["dgemm_fraction"], 1e3 * r["best_s"], 100 * r["best_dgemm_fraction"], diff])
            data["kinds"][kind] = {"gemm_gflop": flops / 1e9, "dgemm_gflops": rate / 1e9,
                                  "best_dgemm_gflops": best_rate / 1e9, "rows": rows}
            section.notes.append(f"{kind}: {flops / 1e9:.2f} GFLOP of GEMMs; DGEMM ({DGEMM_SIZE}^2) ran at "
                                 f"{rate / 1e9:.0f} GFLOP/s in the same rounds, so the floor is "
                                 f"{1e3 * flops / rate:.0f} ms (best DGEMM {best_rate / 1e9:.0f} GFLOP/s: "
                                 f"{1e3 * flops / best_rate:.0f} ms); best = the fastest repetition, the least "
                                 f"disturbed by other processes on a shared machine")
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    section.notes.append(f"numpy {np.__version__}, BLAS {blas.get('name', '?')} {blas.get('version', '')}; torch "
                         f"{getattr(torch, '__version__', '-')} with {versus_torch.TORCH_THREADS} threads")
    section.data = data
    return section
