"""Values across the worker boundary, in a form that can never execute code.

A message is a JSON tree plus one blob of raw array bytes. Arrays travel as
``{"a": [dtype, shape, offset, nbytes]}`` with the dtype checked against an allow-list
and rebuilt with ``np.frombuffer``; tuples, lists and dicts with string keys are tagged
nodes; anything else stays in the worker and crosses as a handle ``{"h": id, "type": name}``.
An array or dict that occurs twice is sent once (``{"r": k}`` refers back to it).
Never pickle: unpickling what untrusted code produced would run its code.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

ALLOWED_DTYPES = {"<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "<u4", "<u8", "|b1"}
_ITEMSIZE = {d: np.dtype(d).itemsize for d in ALLOWED_DTYPES}
_ALLOWED_BY_DTYPE = {np.dtype(d): d for d in ALLOWED_DTYPES}  # a dtype -> its wire name (one lookup)
_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)  # node() already refuses cycles
_FRAME = struct.Struct("<QQ")  # header length, blob length


class WireError(Exception):
    """A message that is malformed, too large, or of a forbidden type."""


@dataclass(frozen=True)
class Handle:
    """An object that stayed in the worker (a cache it could not send as data)."""

    id: int
    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} kept in the worker>"


@dataclass(frozen=True)
class Keep:
    """Worker side: send this value as a handle even if it is plain data (a cache)."""

    obj: Any


def encode(value: Any, keep: "callable | None" = None) -> tuple[bytes, bytes]:
    """(header, blob). keep(obj) -> handle id, for values that are not plain data (worker side).

    An array or dict met again (the same object: a weights dict in every step's cache) is sent
    once; later places refer to it as ``{"r": k}``, the k-th array or dict node, so the receiver
    gets one object in all those places too."""
    chunks: list[bytes] = []
    offset = 0
    nodes = 0  # array and dict nodes so far: what {"r": k} counts
    seen: dict[int, int] = {}  # id of an array or dict of ``value`` itself -> its node number
    inside: set[int] = set()  # the dicts being encoded: met again, a cycle

    def array(v: np.ndarray, dtype: str) -> dict:
        nonlocal offset, nodes
        data = v.tobytes()  # C order, whatever v's layout
        chunks.append(data)
        entry = {"a": [dtype, list(v.shape), offset, len(data)]}
        offset += len(data)
        nodes += 1
        return entry

    def node(v: Any) -> Any:
        nonlocal nodes
        kind = type(v)
        if kind is np.ndarray:  # the common case, first
            if id(v) in seen:
                return {"r": seen[id(v)]}
            dtype = _ALLOWED_BY_DTYPE.get(v.dtype)
            if dtype is not None:
                seen[id(v)] = nodes
                return array(v, dtype)
        elif kind is dict and id(v) in seen:
            if id(v) in inside:
                raise WireError("cannot send a dict that contains itself")
            return {"r": seen[id(v)]}
        if v is None or kind is bool or kind is int or kind is float or isinstance(v, str):
            return v
        if kind is tuple:
            return {"t": [node(x) for x in v]}
        if kind is list:
            return {"l": [node(x) for x in v]}
        if kind is dict and all(type(k) is str for k in v):
            seen[id(v)] = nodes  # numbered before its items, as decode() numbers them
            nodes += 1
            inside.add(id(v))
            entry = {"d": {k: node(x) for k, x in v.items()}}
            inside.discard(id(v))
            return entry
        if isinstance(v, Handle):
            return {"h": v.id, "type": v.type_name}
        if isinstance(v, Keep) and keep is not None:
            return {"h": keep(v.obj), "type": type(v.obj).__name__}
        if isinstance(v, (np.generic, np.ndarray)) and v.dtype in _ALLOWED_BY_DTYPE:
            # a NumPy scalar, or an ndarray subclass: sent as a plain array (a temporary: never looked up by id)
            return array(np.asarray(v), _ALLOWED_BY_DTYPE[v.dtype])
        if keep is None:
            raise WireError(f"cannot send a {type(v).__name__}")
        converted = _as_array(v)
        if converted is not None:
            return array(converted, _ALLOWED_BY_DTYPE[converted.dtype])
        return {"h": keep(v), "type": type(v).__name__}

    tree = node(value)
    return _JSON.encode(tree).encode(), b"".join(chunks)


def _as_array(v: Any) -> np.ndarray | None:
    """Worker side: an array-like result (a torch tensor, an object with __array__) as an
    ndarray, converted where a lying __array__ can only fool its own verdict."""
    try:
        if hasattr(v, "detach") and hasattr(v, "cpu"):
            v = v.detach().cpu().numpy()
        if not hasattr(v, "__array__"):
            return None
        arr = np.asarray(v)
    except Exception:  # noqa: BLE001 - an unconvertible object simply stays a handle
        return None
    return arr if type(arr) is np.ndarray and arr.dtype in _ALLOWED_BY_DTYPE else None


def decode(header: bytes, blob: bytes, resolve: "callable | None" = None) -> Any:
    """The value of a message. resolve(id) -> object for handles (worker side); else Handle."""
    try:
        tree = json.loads(header)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"malformed header: {exc}") from None

    made: list[Any] = []  # array and dict nodes in order, for {"r": k}
    size = len(blob)

    def array(body: Any) -> np.ndarray:
        if type(body) is not list or len(body) != 4:
            raise WireError("malformed node")
        dtype, shape, start, nbytes = body
        itemsize = _ITEMSIZE.get(dtype) if type(dtype) is str else None
        if itemsize is None:
            raise WireError(f"forbidden dtype {dtype!r}")
        if type(shape) is not list:
            raise WireError("malformed shape")
        count = 1
        for d in shape:
            if type(d) is not int or d < 0:
                raise WireError("malformed shape")
            count *= d
        if not (type(start) is int and type(nbytes) is int and 0 <= start and start + nbytes <= size
                and count * itemsize == nbytes):
            raise WireError("array bytes out of range")
        out = np.frombuffer(blob, dtype, count, start).copy()  # its own, writable memory
        out.shape = shape
        made.append(out)
        return out

    def value(n: Any) -> Any:
        kind = type(n)
        if kind is not dict:
            if n is None or kind in (bool, int, float, str):
                return n
            raise WireError("malformed node")
        if "a" in n and len(n) == 1:  # the common case, first
            return array(n["a"])
        if len(n) not in (1, 2):
            raise WireError("malformed node")
        if "r" in n:
            k = n["r"]
            if type(k) is not int or not 0 <= k < len(made):
                raise WireError("reference to no earlier array or dict")
            return made[k]
        if "t" in n:
            return tuple([value(x) for x in n["t"]])
        if "l" in n:
            return [value(x) for x in n["l"]]
        if "d" in n:
            out: dict[str, Any] = {}
            made.append(out)
            for k, x in n["d"].items():
                out[str(k)] = value(x)
            return out
        if "h" in n:
            return resolve(int(n["h"])) if resolve else Handle(int(n["h"]), str(n.get("type", "object")))
        if "a" in n:
            raise WireError("malformed node")
        raise WireError("unknown node")

    return value(tree)


def framed(header: bytes, blob: bytes) -> bytes:
    """One message as it goes down a pipe: the two lengths, then the header and the blob."""
    return _FRAME.pack(len(header), len(blob)) + header + blob


def send(fd: int, header: bytes, blob: bytes) -> None:
    """Write one framed message to a file descriptor (blocking, all of it)."""
    view = memoryview(framed(header, blob))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def frame_lengths(prefix: bytes) -> tuple[int, int]:
    return _FRAME.unpack(prefix)


FRAME_SIZE = _FRAME.size
