"""Judge one returned value against the expected array, in layers, stopping at the first
that breaks: numeric array at all, shape, dtype, finiteness, values.

Messages name the output, the worst element (index, expected, got, abs and rel error),
how many elements differ, a few more as a table, and a hint when the mismatch has a
recognisable cause (transposed, missing keepdims, sign flipped, scaled...).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from conformance.judging.verdict import Finding

MAX_TABLE_ROWS = 8
# a None inside a returned tuple or dict: the notebook template's `da0 = None` left in place,
# not a missing return statement (the whole value would be None then)
PLACEHOLDER = "is None (a placeholder not filled in?)"


def as_numeric_array(value: Any, element: bool = False) -> np.ndarray | str:
    """The value as a plain ndarray, or a string saying why it cannot be one.

    Anything np.asarray turns into a numeric array is accepted (lists, torch tensors on
    the CPU). The result is a fresh ndarray, so an object's own __eq__ can't lie.
    element: ``value`` is one item of a returned tuple or dict (see PLACEHOLDER).
    """
    if element and value is None:
        return PLACEHOLDER
    if hasattr(value, "type_name") and type(value).__name__ == "Handle":  # an object left in the worker
        return f"returned a {value.type_name}, which is not a numeric array"
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without importing torch
        value = value.detach().cpu().numpy()
    try:
        arr = np.array(value, copy=True)
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign object's conversion is a verdict
        return f"returned {type(value).__name__}, which np.asarray cannot convert ({type(exc).__name__}: {exc})"
    if type(arr) is not np.ndarray:
        arr = np.asarray(arr).view(np.ndarray)
    if arr.dtype.kind not in "biuf":
        return (f"returned {type(value).__name__} of dtype {arr.dtype}, expected a real numeric array"
                + (" (None: did you forget a return statement?)" if value is None else ""))
    return arr


def shape_hint(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    if got == want[::-1] and len(want) > 1:
        return "the axes are reversed: transposed?"
    if len(got) == len(want) - 1 and want[-1] == 1 and got == want[:-1]:
        return "missing trailing axis of size 1: np.sum(..., keepdims=True)?"
    if len(got) == len(want) + 1 and got[-1] == 1 and got[:-1] == want:
        return "extra trailing axis of size 1"
    if len(got) == len(want) - 1:
        return "one axis missing: summed over the wrong axis, or forgot keepdims?"
    if len(got) == len(want) + 1:
        return "one axis too many: forgot to sum over the batch or over time?"
    if sorted(got) == sorted(want):
        return "same sizes in another order: axes permuted (batch/time/feature layout)?"
    if int(np.prod(got)) == int(np.prod(want)):
        return "same number of elements: reshaped instead of transposed?"
    return ""


def value_hint(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> str:
    """A recognisable relation between got and want, if any."""
    def close(a, b):
        return np.allclose(a, b, rtol=max(rtol, 1e-6), atol=max(atol, 1e-9))
    if close(got, -want):
        return "every element has the wrong sign"
    if want.ndim == 2 and want.shape[0] == want.shape[1] and close(got, want.T):
        return "this is the transpose of the expected matrix"
    nz = np.abs(want) > 1e-12
    if nz.sum() >= 2 and np.isfinite(got).all():
        with np.errstate(over="ignore", invalid="ignore"):  # a huge got over a tiny expected: inf, not a warning
            ratio = got[nz] / want[nz]
        if np.isfinite(ratio).all() and np.allclose(ratio, ratio[0], rtol=1e-6) and not np.isclose(ratio[0], 1.0):
            return f"every element is {ratio[0]:.6g} times the expected one: a missing or extra scale factor (1/N? a sum instead of a mean?)"
    if not np.any(want) and np.any(got):
        return "expected all zeros here"
    if np.any(want) and not np.any(got):
        return "got all zeros: nothing was computed or accumulated?"
    return ""


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _relative(diff: float, want: float) -> str:
    """The relative error as words: never a ratio to an expected zero (numpy's assert_allclose rule)."""
    if want == 0:
        return "expected 0, so no relative error"
    return f"rel err {abs(diff) / abs(want):.3g}"


def violations(got64: np.ndarray, want: np.ndarray, rtol: float,
               atol: float) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]] | None:
    """Where |got - expected| > atol + rtol*|expected| (a non-finite got where a finite value is
    expected counts too): (mask, |got - expected|, index of the worst), or None when all conform.

    got64, want: float64 arrays of the same shape.
    """
    diff = np.abs(got64 - want)
    allowed = atol + rtol * np.abs(want)
    bad = (diff > allowed) | (~np.isfinite(got64) & np.isfinite(want))
    if not bad.any():
        return None
    excess = np.where(np.isnan(diff), np.inf, diff - allowed)
    worst = np.unravel_index(int(np.argmax(np.where(bad, excess, -np.inf))), want.shape) if want.ndim else ()
    return bad, diff, tuple(int(i) for i in worst)


def worst_element(got64: np.ndarray, want: np.ndarray, worst: tuple[int, ...]) -> str:
    """One line: "worst at [i, j]: expected .., got .. (abs err .., rel err ..)"."""
    diff = abs(float(got64[worst]) - float(want[worst]))
    return (f"worst at {list(worst)}: expected {_fmt(want[worst])}, got {_fmt(got64[worst])} "
            f"(abs err {diff:.3g}, {_relative(diff, want[worst])})")


def compare(output: str, value: Any, want: np.ndarray, rtol: float, atol: float,
            float_dtype: str = "float64", element: bool = False) -> Finding | None:
    """None if ``value`` conforms to ``want`` within rtol/atol, else what is wrong with it.

    float_dtype: the run's mode; in float64 mode a float32 result is a mismatch of its own.
    element: ``value`` is one item of a returned tuple or dict: a None there is a value left
    unfilled (a "value" finding), not a wrong return structure.
    """
    if element and value is None:
        return Finding("value", output, f"{PLACEHOLDER}, expected an array of shape {np.shape(want)}")
    got = as_numeric_array(value)
    if isinstance(got, str):
        return Finding("structure", output, got)
    want = np.asarray(want)
    if got.shape != want.shape:
        hint = shape_hint(got.shape, want.shape)
        return Finding("shape", output, f"expected shape {want.shape}, got {got.shape}" + (f" — hint: {hint}" if hint else ""))
    if want.dtype.kind == "f" and got.dtype.kind != "f":
        return Finding("dtype", output, f"expected floating point values, got dtype {got.dtype} (integer division or an int array?)")
    if float_dtype == "float64" and got.dtype.kind == "f" and got.dtype.itemsize < 8:
        return Finding("dtype", output, f"got dtype {got.dtype} in float64 mode: computing in lower precision "
                                f"loses accuracy (use --dtype=float32 to judge a float32 implementation)")
    got64 = got.astype(np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, which fails the test below as it should
        if (np.abs(got64 - want) <= atol + rtol * np.abs(want)).all():  # conforms: most items, in 4 array operations
            return None
    bad_nan = ~np.isfinite(got64) & np.isfinite(want)
    if bad_nan.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        return Finding("nonfinite", output, f"{int(bad_nan.sum())} of {want.size} elements are not finite; first at {list(idx)}: "
                                f"got {got64[idx]}, expected {_fmt(want[idx])} — hint: an exp overflowed, or a sum of exps "
                                f"underflowed to 0 and 0/0 or log(0) followed (large inputs need the max-shifted, "
                                f"stable forms)",
                       [int(i) for i in idx], None, float(want[idx]))
    found = violations(got64, want, rtol, atol)
    if found is None:
        return None
    bad, diff, worst = found
    lines = [f"{int(bad.sum())} of {want.size} elements differ ({100 * bad.mean():.3g}%), "
             f"tolerance |got - expected| <= {atol:g} + {rtol:g}*|expected|",
             worst_element(got64, want, worst)]
    if bad.sum() > 1 and want.ndim:
        lines.append(f"  {'index':<16}{'expected':>18}{'got':>18}{'abs err':>12}")
        for idx in np.argwhere(bad)[:MAX_TABLE_ROWS]:
            i = tuple(int(k) for k in idx)
            lines.append(f"  {str(list(i)):<16}{_fmt(want[i]):>18}{_fmt(got64[i]):>18}{diff[i]:>12.3g}")
        if bad.sum() > MAX_TABLE_ROWS:
            lines.append(f"  ... {int(bad.sum()) - MAX_TABLE_ROWS} more")
    hint = value_hint(got64, want, rtol, atol)
    if hint:
        lines.append(f"hint: {hint}")
    return Finding("value", output, "\n".join(lines), [int(i) for i in worst], float(got64[worst]),
                   float(want[worst]), rtol, atol)
