"""Compare two fixtures' arrays: what the oracle computes now against what is committed.

Keys, dtypes and shapes must match exactly, and so must inputs (they come from
``RandomState``, which gives the same numbers everywhere). Float outputs must agree to
``RTOL`` of the array's largest magnitude, not bit for bit: the oracle is deterministic on
one machine, but OpenBLAS chooses its kernels by CPU. Measured on the machine that wrote the
fixtures (AMD EPYC, OpenBLAS 0.3.31, Haswell/Zen kernels): with ``OPENBLAS_CORETYPE=Prescott``,
``Nehalem`` or ``SandyBridge`` (no FMA) about 490 output arrays differ in their last bits, by at
most 2.3e-13 of the array's largest magnitude (3.3e-12 element-wise, on elements that cancel
to nearly 0). 1e-12 of the scale allows for that and for nothing a person could see.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

RTOL = 1e-12


def _index(flat: int, shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + "]" if shape else ""


def _values(key: str, got: np.ndarray, want: np.ndarray) -> str | None:
    """One line for the worst differing element, or None when the values agree."""
    if key.startswith("in.") or want.dtype.kind != "f":
        bad, allowed = got != want, "exactly"
        err = bad.astype(float)
    else:
        scale = float(np.abs(want).max(initial=0.0))
        err = np.abs(got - want)
        bad = ~(err <= RTOL * scale)  # ~(<=) so that NaN counts as a difference
        err = np.where(np.isnan(err), np.inf, err)
        allowed = f"to {RTOL:g} x max|fixture| = {RTOL * scale:.3g}"
    if not bad.any():
        return None
    worst = int(np.argmax(np.where(bad, err, -1.0)))
    return (f"{key}{_index(worst, want.shape)}: oracle gives {got.flat[worst].item()!r}, "
            f"fixture has {want.flat[worst].item()!r} "
            f"({int(bad.sum())}/{bad.size} elements differ; must agree {allowed})")


def mismatches(obtained: Mapping[str, np.ndarray], expected: Mapping[str, np.ndarray]) -> list[str]:
    """Every difference, one line each, in sorted key order; empty when they agree."""
    lines = [f"{key}: in the fixture, but the oracle does not produce it" for key in sorted(expected.keys() - obtained)]
    lines += [f"{key}: produced by the oracle, missing from the fixture" for key in sorted(obtained.keys() - expected)]
    for key in sorted(set(obtained) & set(expected)):
        got, want = obtained[key], expected[key]
        if got.dtype != want.dtype:
            lines.append(f"{key}: oracle gives dtype {got.dtype}, fixture has {want.dtype}")
        elif got.shape != want.shape:
            lines.append(f"{key}: oracle gives shape {got.shape}, fixture has {want.shape}")
        elif (line := _values(key, got, want)) is not None:
            lines.append(line)
    return lines
