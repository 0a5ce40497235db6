"""Call a suite function with a case's inputs and name what it returns.

Inputs are flat (``xt``, ``parameters.Wax``); a spec's parameter list says how they are
assembled into positional arguments (arrays, dicts of arrays, caches, flags).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from conformance.contract.spec import ARRAY_KINDS, Spec


def arguments(spec: Spec, inputs: Mapping[str, np.ndarray], cache: Any = None,
              copy: bool = True, for_cache: bool = False) -> list[Any]:
    """Positional arguments for ``spec``'s function. Arrays are copied unless copy=False.
    for_cache: the call builds a backward's cache (a ``returns_cache`` flag is then passed as
    true; a plain call leaves it out, so a forward without that parameter still works)."""
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
        elif kind == "flag" and param.get("returns_cache"):
            if for_cache:
                args.append(True)
        elif kind == "flag":
            args.append(param["default"])
    return args


def name_outputs(spec: Spec, result: Any, for_cache: bool = False) -> dict[str, Any]:
    """A trusted result (the oracle's) as {output name: value}, by the spec's return kind.
    for_cache: the result of a call that built a cache (see ``arguments``)."""
    kind, items = spec.returns["kind"], spec.outputs_with_cache if for_cache else spec.outputs
    if kind == "tuple":
        return {item["name"]: value for item, value in zip(items, result)}
    if kind == "dict":
        return {item["name"]: result[item["name"]] for item in items}
    return {items[0]["name"]: result}


def cache_output_name(spec: Spec) -> str:
    return next(item["name"] for item in spec.outputs_with_cache if item["kind"] == "cache")


def build_cache(fn: Callable, forward: Spec, inputs: Mapping[str, np.ndarray]) -> tuple[dict[str, Any], Any]:
    """Call a trusted forward ``fn`` (the oracle's) the way a backward's cache is built:
    (its outputs by name, the cache)."""
    named = name_outputs(forward, fn(*arguments(forward, inputs, for_cache=True)), for_cache=True)
    return named, named[cache_output_name(forward)]


def run(module: ModuleType, spec: Spec, inputs: Mapping[str, np.ndarray],
        forward_module: ModuleType | None = None) -> dict[str, Any]:
    """Run ``spec``'s function from ``module`` on a case's inputs; outputs by name.

    For a backward, the forward (from ``forward_module``, default ``module``) first
    builds the cache from the same inputs.
    """
    cache = None
    forward = spec.forward_spec()
    if forward is not None:
        _, cache = build_cache(getattr(forward_module or module, forward.function), forward, inputs)
    fn: Callable = getattr(module, spec.function)
    return name_outputs(spec, fn(*arguments(spec, inputs, cache)))
