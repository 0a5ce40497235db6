"""Central finite differences: check a backward function against its forward.

A backward function maps upstream gradients ``G_k = dL/dY_k`` (one per differentiated
forward output ``Y_k``, same shape) to ``dL/dX`` for the inputs ``X``. Taking the scalar

    L(X) = sum_k <Y_k(X), G_k>          (see ``upstream_loss``)

with *random* ``G_k`` gives ``dL/dY_k = G_k`` exactly, so ``backward(G)`` must equal the
gradient of this ``L``, which ``numerical_gradient`` estimates element by element:

    dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / (2 h)

Random (not all-ones) upstream gradients matter: with ``G = 1`` a backward that sums over
the wrong axis, or transposes a square matrix, can still agree.

Error budget in float64 with ``h = 1e-5``: truncation ``h^2 |L'''| / 6 ~ 1e-11``, rounding
``eps |L| / h ~ 1e-11 |L|``; a correct backward agrees to ~1e-9 normwise or better.
In float32 use ``h ~ 1e-2`` and expect ~1e-3.

Which error to use:

- ``normwise_relative_error`` ``||a - b|| / max(||a|| + ||b||, floor)`` for pass/fail.
  The finite-difference noise is absolute (about ``eps |L| / h`` per element), so an entry
  whose true gradient is near zero has a large *elementwise* relative error although the
  backward is right; the normwise error weighs it by its size.
- ``relative_error`` ``max_i |a_i - b_i| / max(|a_i| + |b_i|, floor)`` (the courses'
  definition) to report, or where every entry is well away from zero.
- ``worst_element`` to say *where* two arrays disagree most, in a verdict.

Element by element costs ``2 * x.size`` forward calls per input. ``directional_error``
(PyTorch's ``gradcheck(fast_mode=True)`` idea) costs ``2 * k`` for all the inputs together:
along ``k`` random unit directions ``u_j`` of the inputs' joint space it compares the
backward's projection ``<g, u_j>`` with the central difference ``(L(x + h u_j) - L(x - h u_j)) / 2h``. For Gaussian ``u``, ``E <e, u>^2 = ||e||^2`` for any
error ``e = g_backward - g_true``, so the normwise relative error of the ``k`` projections
estimates the element-wise one; it is smaller by a factor ``r`` only with probability about
``r^k`` (a chi-square with ``k`` degrees of freedom), and a real mistake is off by orders of
magnitude more than the tolerance. A failure is then localised element by element.

Pure NumPy; no pytest, so the batch grader can use it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "numerical_gradient", "numerical_gradient_batch", "directional_error", "upstream_loss",
    "relative_error", "normwise_relative_error", "worst_element",
]


def numerical_gradient(loss: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of ``loss()`` with respect to the array ``x``.

    ``loss`` takes no arguments and must read ``x`` when called (it closes over ``x`` or
    over something holding a reference to it): each element of ``x`` is perturbed IN
    PLACE in turn, to ``x_i + h`` then ``x_i - h``, and always restored to its exact
    original value afterwards, even if ``loss`` raises.

    The divisor is the step actually taken, ``(x_i + h) - (x_i - h)`` in ``x``'s dtype,
    not ``2 h``: it removes the rounding of ``x_i +- h``.

    x: any shape, floating dtype, writeable. Returns an array of ``x``'s shape, float64.
    Costs ``2 * x.size`` calls of ``loss``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a floating-point ndarray, got {type(x).__name__} "
                        f"of dtype {getattr(x, 'dtype', None)}")
    if not x.flags.writeable:
        raise ValueError("x must be writeable: it is perturbed in place")
    if not h > 0:
        raise ValueError(f"h must be positive, got {h}")
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index].copy()
        try:
            x[index] = original + h
            plus, up = float(loss()), float(x[index])
            x[index] = original - h
            minus, down = float(loss()), float(x[index])
        finally:
            x[index] = original
        grad[index] = (plus - minus) / (up - down)
    return grad


def numerical_gradient_batch(losses: Callable[[list[np.ndarray]], Sequence[float]], x: np.ndarray,
                             h: float = 1e-5) -> np.ndarray:
    """``numerical_gradient``, asking for every perturbed loss in one call.

    ``losses`` receives ``[x + h e_0, x - h e_0, x + h e_1, x - h e_1, ...]`` (fresh copies;
    ``x`` itself is never modified) and returns the loss at each. Batching lets a caller
    evaluate them all in one round trip to a worker process.

    x: any shape, floating dtype. Returns an array of ``x``'s shape, float64.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a floating-point ndarray, got {type(x).__name__}")
    points, steps = [], []
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        points += [plus, minus]
        steps.append(float(plus[index]) - float(minus[index]))  # the step actually taken
    values = np.asarray(losses(points), dtype=np.float64) if points else np.zeros(0)
    return ((values[0::2] - values[1::2]) / np.asarray(steps)).reshape(x.shape)


def directional_error(analytic: Mapping[str, np.ndarray],
                      losses: Callable[[list[dict[str, np.ndarray]]], Sequence[float]],
                      x: Mapping[str, np.ndarray], directions: int, rng: np.random.Generator,
                      h: float = 1e-5) -> float:
    """Normwise relative error between the claimed gradients ``analytic`` (input name ->
    ``dL/dx``) and central differences of ``L`` along ``directions`` random unit directions in
    the space of all the inputs ``x`` at once (see the module docstring).

    ``losses`` receives ``[x + h u_0, x - h u_0, x + h u_1, ...]`` (dicts of fresh arrays; ``x``
    is never modified) and returns the loss at each. The step actually taken, ``(x + h u) -
    (x - h u)`` in each input's dtype, is what ``analytic`` is projected on, so the rounding of
    ``x + h u`` cancels. One direction perturbs every input, so the cost is ``2 * directions``
    calls whatever the number of inputs; a gradient that is wrong shows in every projection,
    weighed by its share of the whole gradient's norm.

    analytic[k], x[k]: the same shape (any) for each k, floating. Returns a float in [0, 1].
    """
    names = list(x)
    for name in names:
        if not np.issubdtype(np.asarray(x[name]).dtype, np.floating):
            raise TypeError(f"input {name} must be floating-point, got {np.asarray(x[name]).dtype}")
        if np.shape(analytic[name]) != np.shape(x[name]):
            raise ValueError(f"{name}: shapes differ: {np.shape(analytic[name])} vs {np.shape(x[name])}")
    sizes = [int(np.size(x[name])) for name in names]
    if sum(sizes) == 0:
        return 0.0
    u = rng.standard_normal((directions, sum(sizes)))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    points, steps = [], np.zeros((directions, sum(sizes)))
    for j in range(directions):
        plus, minus, start = {}, {}, 0
        for name, size in zip(names, sizes):
            base = np.asarray(x[name])
            delta = (h * u[j, start:start + size]).reshape(base.shape)
            plus[name], minus[name] = base + delta, base - delta
            steps[j, start:start + size] = (plus[name].astype(np.float64) - minus[name].astype(np.float64)).ravel()
            start += size
        points += [plus, minus]
    values = np.asarray(losses(points), dtype=np.float64)
    numeric = values[0::2] - values[1::2]  # L(x+) - L(x-) ~ <g, x+ - x->
    claimed = np.concatenate([np.asarray(analytic[name], dtype=np.float64).ravel() for name in names])
    return normwise_relative_error(steps @ claimed, numeric, floor=1e-8 * 2 * h)


def upstream_loss(outputs: Sequence[np.ndarray], upstream: Sequence[np.ndarray]) -> float:
    """The scalar ``sum_k <outputs_k, upstream_k>``, whose gradient w.r.t. ``outputs_k`` is ``upstream_k``.

    outputs, upstream: sequences of the same length; ``outputs[k]`` and ``upstream[k]``
    have the same shape (any). Raises ValueError otherwise.
    """
    if len(outputs) != len(upstream):
        raise ValueError(f"{len(outputs)} outputs but {len(upstream)} upstream gradients")
    total = 0.0
    for k, (out, up) in enumerate(zip(outputs, upstream)):
        out, up = np.asarray(out), np.asarray(up)
        if out.shape != up.shape:
            raise ValueError(f"output {k} has shape {out.shape}, its upstream gradient {up.shape}")
        total += float(np.sum(out * up))
    return total


def _same_shape(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    return a, b


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> float:
    """Largest elementwise relative error ``max_i |a_i - b_i| / max(|a_i| + |b_i|, floor)``.

    The courses' definition. Large on entries near zero even when both are right (see the
    module docstring); use ``normwise_relative_error`` to decide pass/fail.
    a, b: the same shape (any). Returns 0.0 for empty arrays.
    """
    a, b = _same_shape(a, b)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))


def normwise_relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> float:
    """``||a - b||_2 / max(||a||_2 + ||b||_2, floor)``, Frobenius norms over all entries.

    Lies in [0, 1] once the norms exceed ``floor``; 0.0 when both arrays are zero.
    a, b: the same shape (any).
    """
    a, b = _same_shape(a, b)
    scale = max(float(np.linalg.norm(a)) + float(np.linalg.norm(b)), floor)
    return float(np.linalg.norm(a - b)) / scale


def worst_element(a: np.ndarray, b: np.ndarray) -> tuple[int, ...]:
    """Index of the largest ``|a - b|``: the first NaN if any, else the first maximum.

    a, b: the same shape, not empty. ``()`` for 0-d arrays.
    """
    a, b = _same_shape(a, b)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(a - b))), a.shape))
