"""Call a suite function with a case's inputs and name what it returns.

Inputs are flat (``xt``, ``parameters.Wax``); a spec's parameter list says how they are
assembled into positional arguments (arrays, dicts of arrays, caches, flags).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from conformance.spec import ARRAY_KINDS, Spec


def arguments(spec: Spec, inputs: Mapping[str, np.ndarray], cache: Any = None,
              copy: bool = True) -> list[Any]:
    """Positional arguments for ``spec``'s function. Arrays are copied unless copy=False."""
    take = (lambda a: a.copy()) if copy else (lambda a: a)
    args: list[Any] = []
    for param in spec.parameters:
        kind, name = param["kind"], param["name"]
        if kind in ARRAY_KINDS:
            args.append(take(inputs[name]))
        elif kind == "dict":
            args.append({f: take(inputs[f"{name}.{f}"]) for f in param["fields"]})
        elif kind == "cache":
            args.append(cache)
        elif kind == "flag":
            args.append(param["default"])
    return args


def name_outputs(spec: Spec, result: Any) -> dict[str, Any]:
    """A trusted result (the oracle's) as {output name: value}, by the spec's return kind."""
    kind, items = spec.returns["kind"], spec.outputs
    if kind == "tuple":
        return {item["name"]: value for item, value in zip(items, result)}
    if kind == "dict":
        return {item["name"]: result[item["name"]] for item in items}
    return {items[0]["name"]: result}


def cache_output_name(spec: Spec) -> str:
    return next(item["name"] for item in spec.outputs if item["kind"] == "cache")


def run(module: ModuleType, spec: Spec, inputs: Mapping[str, np.ndarray],
        forward_module: ModuleType | None = None) -> dict[str, Any]:
    """Run ``spec``'s function from ``module`` on a case's inputs; outputs by name.

    For a backward, the forward (from ``forward_module``, default ``module``) first
    builds the cache from the same inputs.
    """
    cache = None
    forward = spec.forward_spec()
    if forward is not None:
        fwd: Callable = getattr(forward_module or module, forward.function)
        fwd_out = name_outputs(forward, fwd(*arguments(forward, inputs)))
        cache = fwd_out[cache_output_name(forward)]
    fn: Callable = getattr(module, spec.function)
    return name_outputs(spec, fn(*arguments(spec, inputs, cache)))
