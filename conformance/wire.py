"""Values across the worker boundary, in a form that can never execute code.

A message is a JSON tree plus one blob of raw array bytes. Arrays travel as
``{"a": [dtype, shape, offset, nbytes]}`` with the dtype checked against an allow-list
and rebuilt with ``np.frombuffer``; tuples, lists and dicts with string keys are tagged
nodes; anything else stays in the worker and crosses as a handle ``{"h": id, "type": name}``.
Never pickle: unpickling what untrusted code produced would run its code.
"""

from __future__ import annotations

import json
import math
import os
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

ALLOWED_DTYPES = {"<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "<u4", "<u8", "|b1"}
_ITEMSIZE = {d: np.dtype(d).itemsize for d in ALLOWED_DTYPES}
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
    """(header, blob). keep(obj) -> handle id, for values that are not plain data (worker side)."""
    chunks: list[bytes] = []
    offset = 0

    def node(v: Any) -> Any:
        nonlocal offset
        if type(v) is np.ndarray and v.dtype.str in ALLOWED_DTYPES:  # the common case, first
            data = v.tobytes()  # C order, whatever v's layout
            chunks.append(data)
            entry = {"a": [v.dtype.str, list(v.shape), offset, len(data)]}
            offset += len(data)
            return entry
        if isinstance(v, Handle):
            return {"h": v.id, "type": v.type_name}
        if isinstance(v, Keep) and keep is not None:
            return {"h": keep(v.obj), "type": type(v.obj).__name__}
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, float)) and type(v) in (int, float, bool):
            return v
        if isinstance(v, np.generic) and v.dtype.str in ALLOWED_DTYPES:
            v = np.asarray(v)
        if isinstance(v, np.ndarray) and v.dtype.str in ALLOWED_DTYPES:
            data = np.ascontiguousarray(v).tobytes()
            chunks.append(data)
            entry = {"a": [v.dtype.str, list(v.shape), offset, len(data)]}
            offset += len(data)
            return entry
        if type(v) is tuple:
            return {"t": [node(x) for x in v]}
        if type(v) is list:
            return {"l": [node(x) for x in v]}
        if type(v) is dict and all(type(k) is str for k in v):
            return {"d": {k: node(x) for k, x in v.items()}}
        if keep is None:
            raise WireError(f"cannot send a {type(v).__name__}")
        converted = _as_array(v)
        if converted is not None:
            return node(converted)
        return {"h": keep(v), "type": type(v).__name__}

    tree = node(value)
    return json.dumps(tree).encode(), b"".join(chunks)


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
    return arr if type(arr) is np.ndarray and arr.dtype.str in ALLOWED_DTYPES else None


def decode(header: bytes, blob: bytes, resolve: "callable | None" = None) -> Any:
    """The value of a message. resolve(id) -> object for handles (worker side); else Handle."""
    try:
        tree = json.loads(header)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"malformed header: {exc}") from None

    def value(n: Any) -> Any:
        if n is None or isinstance(n, (bool, int, float, str)):
            return n
        if not isinstance(n, dict) or len(n) not in (1, 2):
            raise WireError("malformed node")
        if "a" in n:
            dtype, shape, start, nbytes = n["a"]
            if dtype not in ALLOWED_DTYPES:
                raise WireError(f"forbidden dtype {dtype!r}")
            if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)):
                raise WireError("malformed shape")
            if not (0 <= start and start + nbytes <= len(blob) and math.prod(shape) * _ITEMSIZE[dtype] == nbytes):
                raise WireError("array bytes out of range")
            count = math.prod(shape)
            return np.frombuffer(blob, dtype=dtype, count=count, offset=start).reshape(shape).copy()
        if "t" in n:
            return tuple(value(x) for x in n["t"])
        if "l" in n:
            return [value(x) for x in n["l"]]
        if "d" in n:
            return {str(k): value(x) for k, x in n["d"].items()}
        if "h" in n:
            return resolve(int(n["h"])) if resolve else Handle(int(n["h"]), str(n.get("type", "object")))
        raise WireError("unknown node")

    return value(tree)


def send(fd: int, header: bytes, blob: bytes) -> None:
    """Write one framed message to a file descriptor (blocking, all of it)."""
    view = memoryview(_FRAME.pack(len(header), len(blob)) + header + blob)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def frame_lengths(prefix: bytes) -> tuple[int, int]:
    return _FRAME.unpack(prefix)


FRAME_SIZE = _FRAME.size
