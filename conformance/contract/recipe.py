"""Turn a case's recipe (dims, seed, ordered draws) into concrete input arrays.

Draws are taken in order from one ``np.random.RandomState(seed)``: the same numbers as
the notebooks' legacy ``np.random.seed(seed)`` followed by the same calls, and no
global random state is touched.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from conformance.contract import shapes
from conformance.contract.spec import InputDecl, Spec

DTYPES = {"float": np.float64, "int": np.int64, "bool": np.bool_}


def _bound(value: float | str, dims: Mapping[str, int]) -> float:
    return dims[value] if isinstance(value, str) else value


def draw(rng: np.random.RandomState, step: Mapping, shape: tuple[int, ...],
         dims: Mapping[str, int], dtype: str) -> np.ndarray:
    """One draw of a recipe. shape: the input's concrete shape."""
    fn = step["fn"]
    if fn == "randn":
        arr = rng.randn(*shape) * step.get("scale", 1.0)
    elif fn == "rand":
        arr = rng.rand(*shape) * step.get("scale", 1.0)
    elif fn == "randint":
        arr = rng.randint(_bound(step.get("low", 0), dims), _bound(step["high"], dims), size=shape)
    elif fn == "linspace":
        arr = np.linspace(step["low"], step["high"], num=int(np.prod(shape))).reshape(shape)
    elif fn == "mask":
        arr = rng.rand(*shape) <= step["p"]
        arr[list(step.get("false_rows", []))] = False
    elif fn == "zeros":
        arr = np.zeros(shape)
    elif fn == "values":
        arr = np.array(step["values"])
        if arr.shape != shape:
            raise ValueError(f"draw of {step['input']!r}: values have shape {arr.shape}, expected {shape}")
    else:  # the schema's enum makes this unreachable for a validated spec
        raise ValueError(f"unknown draw fn {fn!r}")
    if step.get("structure") == "upper_triangular":
        arr = np.triu(arr)
    return np.array(arr, dtype=DTYPES[dtype], order="C")


def build_inputs(spec: Spec, case: Mapping, dims: Mapping[str, int] | None = None) -> dict[str, np.ndarray]:
    """Every input array of one case, keyed by path (``xt``, ``parameters.Wax``), in draw order.

    dims: override the case's own dims (used for random cases).
    """
    dims = dict(case["dims"] if dims is None else dims)
    decls: dict[str, InputDecl] = {d.path: d for d in spec.inputs}
    rng = np.random.RandomState(case["seed"])
    inputs = {}
    for step in case["draws"]:
        decl = decls[step["input"]]
        inputs[decl.path] = draw(rng, step, shapes.resolve(decl.shape, dims), dims, decl.dtype)
    return inputs
