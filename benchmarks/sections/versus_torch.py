"""The oracle against PyTorch on the CPU at scale: cs231n ``lstm_forward`` + ``lstm_backward``
and ``rnn_forward`` + ``rnn_backward`` (oracle/cs231n.py) against ``torch.nn.LSTM`` / ``torch.nn.RNN``
(one layer, tanh, batch_first, float64) forward and ``.backward()`` of a random upstream gradient,
with the same weights (tests/torch_mapping.py moves them across). Threads: torch.set_num_threads(2),
NumPy's BLAS as it comes. Interleaved, after a warm-up call of each; medians.

torch is imported here only (it costs seconds); without it the section says so.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from oracle import cs231n
from sections.common import ROOT, Section, Settings, median, ratio, timed

TORCH_THREADS = 2
KINDS = {"LSTM": (cs231n.lstm_forward, cs231n.lstm_backward, 4), "RNN": (cs231n.rnn_forward, cs231n.rnn_backward, 1)}


def problem(kind: str, dims: dict[str, int]) -> dict[str, np.ndarray]:
    """Inputs of one cs231n sequence problem: x (N, T, D), h0 (N, H), Wx (D, gH), Wh (H, gH),
    b (gH,) with g gates, and an upstream gradient dh (N, T, H)."""
    n, t, d, h = dims["N"], dims["T"], dims["D"], dims["H"]
    g = KINDS[kind][2]
    rng = np.random.RandomState(0)
    return {"x": rng.randn(n, t, d), "h0": rng.randn(n, h), "Wx": rng.randn(d, g * h) / np.sqrt(d),
            "Wh": rng.randn(h, g * h) / np.sqrt(h), "b": rng.randn(g * h) * 0.1, "dh": rng.randn(n, t, h)}


def oracle_pass(kind: str, p: dict[str, np.ndarray]) -> Callable[[], tuple]:
    """The oracle's forward + backward: returns (h, dx)."""
    forward, backward, _ = KINDS[kind]

    def run() -> tuple:
        h, cache = forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
        return h, backward(p["dh"], cache)[0]
    return run


def torch_pass(torch: Any, mapping: Any, kind: str, p: dict[str, np.ndarray]) -> Callable[[], tuple]:
    """torch.nn.<kind>'s forward + backward with the oracle's weights: returns (h, dx) as numpy."""
    weights = getattr(mapping, f"cs231n_to_torch_{kind.lower()}")(p["Wx"], p["Wh"], p["b"])
    module = getattr(torch.nn, kind)(p["x"].shape[2], p["h0"].shape[1], batch_first=True).double()
    with torch.no_grad():
        for name, param in module.named_parameters():
            param.copy_(torch.from_numpy(np.ascontiguousarray(weights[name.removesuffix("_l0")])))
    x = torch.from_numpy(p["x"]).requires_grad_(True)
    h0 = torch.from_numpy(p["h0"][None]).requires_grad_(True)
    state = (h0, torch.zeros_like(h0)) if kind == "LSTM" else h0
    dh = torch.from_numpy(p["dh"])

    def run() -> tuple:
        x.grad = h0.grad = None
        module.zero_grad(set_to_none=True)
        out, _ = module(x, state)
        out.backward(dh)
        return out.detach().numpy(), x.grad.numpy()
    return run


def normwise(a: np.ndarray, b: np.ndarray) -> float:
    """max|a - b| / max(max|a|, max|b|)."""
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b))))


def compare(oracle: Callable[[], tuple], witness: Callable[[], tuple], repeat: int) -> dict[str, Any]:
    """Median seconds of each (interleaved after a warm-up) and how far their h and dx differ."""
    (h, dx), (th, tdx) = oracle(), witness()
    times: dict[str, list[float]] = {"oracle": [], "torch": []}
    for _ in range(repeat):
        times["oracle"].append(timed(oracle)[0])
        times["torch"].append(timed(witness)[0])
    seconds = {name: median(values) for name, values in times.items()}
    return {"oracle_s": seconds["oracle"], "torch_s": seconds["torch"], "runs_s": times,
            "ratio_oracle_vs_torch": ratio(seconds["oracle"], seconds["torch"]),
            "normwise_diff_h": normwise(h, th), "normwise_diff_dx": normwise(dx, tdx)}


def import_torch() -> tuple[Any, Any, float] | str:
    """(torch, tests/torch_mapping, import seconds), or why torch cannot be used."""
    if importlib.util.find_spec("torch") is None:
        return "torch is not installed (pip install -e '.[crosscheck]')"
    sys.path.insert(0, str(ROOT / "tests"))  # the weight maps live with the crosscheck tests
    try:
        seconds, torch = timed(importlib.import_module, "torch")
        mapping = importlib.import_module("torch_mapping")
    except Exception as exc:  # noqa: BLE001 - a broken install is reported, not raised
        return f"torch failed to import: {type(exc).__name__}: {exc}"
    return torch, mapping, seconds


def run(settings: Settings) -> Section:
    """Oracle vs torch for each of LSTM and RNN, or one row saying torch is missing."""
    dims = settings.torch_dims
    shape = ", ".join(f"{k}={v}" for k, v in dims.items())
    section = Section("torch", f"Oracle (cs231n) vs PyTorch CPU: {shape}, float64, forward + backward, "
                               f"median of {settings.torch_repeat}",
                      ["kind", "oracle s", "torch s", "oracle/torch", "diff h", "diff dx"])
    found = import_torch()
    if isinstance(found, str):
        section.rows.append([f"not measured: {found}", None, None, None, None, None])
        section.data = {"dims": dims, "torch": None, "kinds": None, "reason": found}
        return section
    torch, mapping, import_s = found
    torch.set_num_threads(TORCH_THREADS)
    kinds = {}
    for kind in KINDS:
        p = problem(kind, dims)
        kinds[kind] = compare(oracle_pass(kind, p), torch_pass(torch, mapping, kind, p), settings.torch_repeat)
        k = kinds[kind]
        section.rows.append([kind, k["oracle_s"], k["torch_s"], k["ratio_oracle_vs_torch"], k["normwise_diff_h"],
                             k["normwise_diff_dx"]])
    section.notes += [f"torch {torch.__version__}, {torch.get_num_threads()} threads; import torch took "
                      f"{import_s:.1f} s; diff = max|oracle - torch| / max magnitude",
                      "PERF-NOTES.md measured oracle/torch ~1.24 (LSTM) and ~1.0 (RNN)"]
    section.data = {"dims": dims, "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                    "import_s": import_s, "kinds": kinds}
    return section
