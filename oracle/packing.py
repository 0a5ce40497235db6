"""How an adapter reads a target's packed gate blocks into the kernel's Params.

Each layout packs its gates' rows in its own order (cs231n i, f, o, g; PyTorch i, f, g, o; ONNX
i, o, f, c) and names its two biases its own way; the kernel (oracle/kernel.py) reads one order.
The "gate-order" and "missing-bias" mistakes (oracle/mistakes.py) switch here: the blocks read in
another order, a bias read as zeros.
"""

from __future__ import annotations

import numpy as np

from oracle.kernel import Params
from oracle.mistakes import mistake

Array = np.ndarray


def gate_order(gates: str) -> tuple[str, bool]:
    """The order in which a target reads the gate row blocks, and whether its backward packs
    the weight/bias gradients in that order too.

    ``gates`` is the adapter's canonical order in its own letters (e.g. "ifgo", "zrh"). The
    "gate-order" mistake's form is a permutation of those letters, optionally with "/both";
    a form made of other letters belongs to another cell or suite and changes nothing here.
    """
    order, _, suffix = mistake("gate-order").partition("/")
    if sorted(order) != sorted(gates):
        return gates, False
    return order, suffix == "both"


def regroup(a: Array, src: str, dst: str, axis: int = 0) -> Array:
    """``a``'s len(src) equal blocks along ``axis``, block k being gate src[k], rearranged so
    that block k is gate dst[k] (the same letters in another order)."""
    if src == dst:
        return a
    blocks = dict(zip(src, np.split(a, len(src), axis=axis)))
    return np.concatenate([blocks[gate] for gate in dst], axis=axis)


def read_params(w_x: Array, w_h: Array, b_x: Array, b_h: Array, *, gates: str, kernel_gates: str,
                bias_names: tuple[str, str]) -> Params:
    """The kernel's Params from a target's packed weights, as the target reads them.

    ``gates``: the target's canonical block order; ``kernel_gates``: the kernel's order in the
    same letters. The blocks are read in the gate-order mistake's order when one applies; the
    bias that a "missing-bias" form names (``bias_names`` = (name of b_x, name of b_h)) is zeros.
    """
    order, _ = gate_order(gates)
    b_x, b_h = (np.zeros_like(b) if mistake("missing-bias") == name else b for b, name in zip((b_x, b_h), bias_names))
    return Params(*(regroup(a, order, kernel_gates) for a in (w_x, w_h, b_x, b_h)))
