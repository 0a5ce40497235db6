"""Targets written with a framework's tensors (a suite's ``"tensors": "torch"``).

Such a target is called with tensors and its tensors are read back as arrays: ``adapt``
wraps the target module so that the harness, in-process or in the worker, calls it like any
NumPy target. ``torch.from_numpy`` shares memory, so a target that changes an input in place
is still seen doing so.

A backward the target does not define is computed by the framework's autograd through the
target's own forward (the plan says which: ``autograd_plan``): called with the suite's
``returns_cache`` flag, the wrapped forward runs on leaf tensors that require gradients and
returns an ``AutogradCache`` last; the synthesized backward takes the upstream gradients
and that cache and returns ``torch.autograd.grad`` of every differentiated input. It is then
judged like a hand-written one: against the oracle's gradients, and against central
differences of the forward.

Only the functions whose code uses the framework (``uses_framework``) are called with
tensors: a NumPy implementation that also imports torch (for its own checks) is judged as
the NumPy code it is. Plain data only crosses to the worker (the plan), and this module
imports torch only when a target that uses it is adapted: the worker imports this module
before it is sandboxed.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.contract.spec import Suite

FRAMEWORKS = ("torch",)


def autograd_plan(suite: "Suite", defined: set[str]) -> dict[str, Any]:
    """For a suite whose targets may use tensors: which functions to wrap, and each backward the
    target does not define (``defined``: its function names) with what autograd needs (plain
    data, for the worker): {"functions": [...], "backwards": {name: {"forward", "flag_position",
    "inputs", "outputs"}}}, positions counted in the forward's positional arguments and outputs."""
    plan: dict[str, Any] = {"functions": sorted(spec.function for spec in suite), "backwards": {}}
    for spec in suite:
        forward = spec.forward_spec()
        if not spec.backward or forward is None or spec.function in defined or forward.function not in defined:
            continue
        if not forward.cache_flag or spec.backward["cache"] != "own":
            continue
        arrays = [p["name"] for p in forward.parameters if p["kind"] != "flag"]
        outputs = [o["name"] for o in forward.outputs]
        plan["backwards"][spec.function] = {
            "forward": forward.function,
            "flag_position": len(arrays),
            "inputs": [arrays.index(path) for path in spec.backward["gradients"].values()],
            "outputs": [outputs.index(name) for name in spec.backward["upstream"].values()],
        }
    return plan


@dataclass(eq=False)
class AutogradCache:
    """What a wrapped forward called for a cache keeps: its leaf inputs and its outputs (tensors,
    with their graph)."""

    inputs: list
    outputs: list


def uses_framework(fn: Any, framework: str) -> bool:
    """Whether ``fn``'s code refers to ``framework`` (a module or anything taken from it: ``torch``,
    ``import torch as T``, ``from torch import tanh``), itself or through the functions of its
    own module that it calls. A NumPy function in a file that also imports torch is not one:
    it is called with arrays, as it expects."""
    seen: set[int] = set()

    def refers(function: Any) -> bool:
        code = getattr(function, "__code__", None)
        if code is None or id(function) in seen:
            return False
        seen.add(id(function))
        namespace = getattr(function, "__globals__", {})
        for name in _global_names(code):
            value = namespace.get(name)
            try:  # the target's objects: an attribute may raise anything
                source = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
                if isinstance(source, str) and source.partition(".")[0] == framework:
                    return True
                if callable(value) and source == getattr(function, "__module__", None) and refers(value):
                    return True
            except Exception:  # noqa: BLE001 - such a name is not the framework
                continue
        return False

    return refers(fn)


def _global_names(code: Any) -> set[str]:
    """The global names a code object and the functions nested in it read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _global_names(const)
    return names


class TensorTarget(ModuleType):
    """A target module seen through ``adapt``: its suite functions that use the framework
    take and return arrays (the others are left as they are)."""

    def __init__(self, module: ModuleType, framework: str, plan: dict[str, Any]):
        super().__init__(module.__name__, module.__doc__)
        self.__dict__.update({k: v for k, v in vars(module).items() if k not in ("__name__", "__doc__")})
        self.adapted_from = module
        with_tensors = {name for name in plan["functions"]
                        if callable(getattr(module, name, None)) and uses_framework(getattr(module, name), framework)}
        synthesized = {name: how for name, how in plan["backwards"].items() if how["forward"] in with_tensors}
        for name in sorted(with_tensors):
            setattr(self, name, _tensor_call(getattr(module, name)))
        for name, how in synthesized.items():
            forward = getattr(module, how["forward"])
            setattr(self, how["forward"], _forward_with_cache(forward, how))
            setattr(self, name, _autograd_backward(name, how))
        info = dict(getattr(module, "__rnn_conformance_load__", None) or {"notes": [], "broken": {}})
        info["notes"] = list(info.get("notes", [])) + ([
            f"called with {framework} tensors (they use {framework}): " + ", ".join(f"`{n}`" for n in sorted(with_tensors))]
            if with_tensors else []) + [
            f"`{name}` is not defined: it is computed by {framework}.autograd through your `{how['forward']}` "
            f"and judged like a backward of your own" for name, how in sorted(synthesized.items())]
        self.__rnn_conformance_load__ = info


def adapt(module: ModuleType, framework: str, plan: dict[str, Any]) -> TensorTarget:
    """``module`` called with ``framework``'s tensors (see the module docstring)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown tensor framework {framework!r}; known: {', '.join(FRAMEWORKS)}")
    return TensorTarget(module, framework, plan)


def _mapped(value: Any, kind: type, convert: Any) -> Any:
    """``value`` with every ``kind`` in it (also inside lists, tuples and dicts) converted."""
    if isinstance(value, kind):
        return convert(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_mapped(v, kind, convert) for v in value)
    if isinstance(value, dict):
        return {k: _mapped(v, kind, convert) for k, v in value.items()}
    return value


def _to_tensors(value: Any, torch: Any) -> Any:
    """Arrays as tensors sharing their memory."""
    import numpy as np

    return _mapped(value, np.ndarray, torch.from_numpy)


def _to_arrays(value: Any, torch: Any) -> Any:
    """Tensors as arrays; anything else as it is."""
    return _mapped(value, torch.Tensor, lambda t: t.detach().cpu().numpy())


def _tensor_call(fn: Any) -> Any:
    def call(*args: Any) -> Any:
        import torch

        return _to_arrays(fn(*_to_tensors(list(args), torch)), torch)

    call.__name__ = getattr(fn, "__name__", "function")
    call.__wrapped__ = fn  # inspect.signature reads the target's own parameters
    return call


def _forward_with_cache(fn: Any, how: dict[str, Any]) -> Any:
    """The target's forward; called with the cache flag (one argument more, true), on leaf
    tensors that require gradients, its outputs then followed by an AutogradCache."""
    def call(*args: Any) -> Any:
        import torch

        args = list(args)
        want_cache = len(args) > how["flag_position"] and args[how["flag_position"]] is True
        args = args[:how["flag_position"]]
        tensors = _to_tensors(args, torch)
        if want_cache:
            tensors = [t.detach().clone().requires_grad_(True) if k in how["inputs"] else t
                       for k, t in enumerate(tensors)]
        result = fn(*tensors)
        if not want_cache:
            return _to_arrays(result, torch)
        outputs = list(result) if isinstance(result, (tuple, list)) else [result]
        cache = AutogradCache([tensors[k] for k in how["inputs"]], outputs)
        return tuple(_to_arrays(outputs, torch)) + (cache,)

    call.__name__ = getattr(fn, "__name__", "forward")
    call.__wrapped__ = fn
    return call


def _autograd_backward(name: str, how: dict[str, Any]) -> Any:
    """The backward a target did not write: (*upstream gradients, cache) -> every input's gradient."""
    def backward(*args: Any) -> tuple:
        import torch

        *upstream, cache = args
        if not isinstance(cache, AutogradCache):
            raise TypeError(f"{name} (computed by autograd) needs the cache of {how['forward']}(..., return_cache=True)")
        outputs = [cache.outputs[k] for k in how["outputs"]]
        for k, out in zip(how["outputs"], outputs):
            if not isinstance(out, torch.Tensor) or not out.requires_grad:
                raise TypeError(f"output {k} of your {how['forward']} is not a tensor that depends on its inputs "
                                f"(got {type(out).__name__}): autograd cannot differentiate it")
        grads = torch.autograd.grad(outputs, cache.inputs, [torch.from_numpy(u).to(o.dtype) for u, o in
                                                            zip(upstream, outputs)],
                                    retain_graph=True, allow_unused=True)
        return tuple(torch.zeros_like(x).detach().numpy() if g is None else g.detach().numpy()
                     for g, x in zip(grads, cache.inputs))

    backward.__name__ = name
    return backward
