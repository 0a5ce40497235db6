"""The worker boundary's message format (wire.py): values come back as they went, and a message
the grader did not write (a hostile worker writes whatever it likes) is refused, never obeyed."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance.contract import wire

DTYPES = sorted(wire.ALLOWED_DTYPES)


def round_trip(value):
    return wire.decode(*wire.encode(value))


def same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return (type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape
                and a.tobytes() == b.tobytes())
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and (a == b or a != a)


arrays = st.sampled_from(DTYPES).flatmap(lambda d: hnp.arrays(np.dtype(d), hnp.array_shapes(min_dims=0, max_dims=3,
                                                                                           min_side=0, max_side=4)))
leaves = st.one_of(arrays, st.none(), st.booleans(), st.integers(-2**53, 2**53), st.floats(allow_nan=False),
                   st.text(max_size=5))
trees = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.lists(inner, max_size=4).map(tuple),
                                                     st.dictionaries(st.text(max_size=4), inner, max_size=4)),
                     max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(trees)
def test_values_come_back_as_they_went(value):
    assert same(value, round_trip(value))


def test_decoded_arrays_are_the_receivers_own_writable_copies():
    a = np.arange(6.0).reshape(2, 3)[:, ::2]  # not contiguous: sent in C order
    got = round_trip([a, np.float32(1.5), np.int64(7)])
    assert same(np.ascontiguousarray(a), got[0])
    assert got[0].flags.owndata and got[0].flags.writeable
    got[0][0, 0] = 99.0  # writing one array touches no other
    assert same(np.array(1.5, dtype=np.float32), got[1]) and same(np.array(7), got[2])


def test_an_object_met_twice_is_sent_once_and_received_as_one():
    weights = {"W": np.ones((2, 2)), "b": np.zeros(2)}
    x = np.arange(3.0)
    header, blob = wire.encode([(x, weights), (x, weights)])
    assert len(blob) == x.nbytes + 4 * 8 + 2 * 8
    got = wire.decode(header, blob)
    assert got[0][1] is got[1][1] and got[0][0] is got[1][0]


def test_what_cannot_cross_is_refused_on_the_grader_side_and_kept_in_the_worker():
    recursive: dict = {}
    recursive["self"] = recursive
    with pytest.raises(wire.WireError, match="contains itself"):
        wire.encode(recursive)
    for value in (object(), np.array([1], dtype=">f8"), np.array(["text"]), {1: "int key"}):
        with pytest.raises(wire.WireError, match="cannot send"):
            wire.encode(value)
    kept = []
    header, blob = wire.encode([object(), np.array([None])], keep=lambda obj: kept.append(obj) or len(kept))
    got = wire.decode(header, blob)
    assert [type(h) for h in got] == [wire.Handle, wire.Handle] and len(kept) == 2


def forged(tree, blob=b"\0" * 64) -> tuple[bytes, bytes]:
    return json.dumps(tree).encode(), blob


@pytest.mark.parametrize("tree, why", [
    ({"a": ["|O", [1], 0, 8]}, "forbidden dtype"),
    ({"a": [">f8", [1], 0, 8]}, "forbidden dtype"),
    ({"a": [["<f8"], [1], 0, 8]}, "forbidden dtype"),
    ({"a": ["<f8", [-1], 0, -8]}, "malformed shape"),
    ({"a": ["<f8", [1.0], 0, 8]}, "malformed shape"),
    ({"a": ["<f8", 1, 0, 8]}, "malformed shape"),
    ({"a": ["<f8", [9], 0, 72]}, "out of range"),  # more bytes than the blob has
    ({"a": ["<f8", [2], 60, 16]}, "out of range"),
    ({"a": ["<f8", [2], -8, 16]}, "out of range"),
    ({"a": ["<f8", [2], 0, 8]}, "out of range"),  # nbytes disagrees with the shape
    ({"a": ["<f8", [1], 0, 8.0]}, "out of range"),
    ({"a": ["<f8", [1], 0]}, "malformed node"),
    ({"a": ["<f8", [1], 0, 8], "x": 1}, "malformed node"),
    ({"l": [{"r": 0}]}, "no earlier"),  # a reference ahead of anything sent
    ({"r": -1}, "no earlier"),
    ({"z": 1}, "unknown node"),
    ({"a": 1, "b": 2, "c": 3}, "malformed node"),
    ([1, 2], "malformed node"),
])
def test_a_forged_message_is_refused(tree, why):
    with pytest.raises(wire.WireError, match=why):
        wire.decode(*forged(tree))


def test_a_header_that_is_not_json_is_refused():
    with pytest.raises(wire.WireError, match="malformed header"):
        wire.decode(b"{not json", b"")
