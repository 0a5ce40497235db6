"""The compact pack of a suite's fixtures (fixtures.read_suite): built on first read, used after,
never trusted over spec/checksums.json. A damaged pack is repaired from the .npz files; a
fixture changed on disk is read again, and a wrong one is left for its item to report."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from conformance.contract import fixtures
from conformance.contract.spec import load_suite

sys.path.insert(0, str(Path(__file__).parent))
from trees import Tree, tree, spec_tree  # noqa: E402,F401 - pytest fixtures

KEY = "dlai/softmax/random_small"


def read(tree: Tree) -> dict:
    specs = list(load_suite("dlai", tree.spec))
    return fixtures.read_suite(specs, fixtures.load_manifest(tree.spec), tree.fixtures)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RNN_CONFORMANCE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_pack_is_built_once_then_read_instead_of_the_npz_files(tree: Tree, cache: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = read(tree)
    assert len(first) == sum(key.startswith("dlai/") for key in fixtures.load_manifest(tree.spec))
    assert len(list(cache.glob("fixtures-dlai-*.pack"))) == 1

    def no_npz(path: Path) -> dict:
        raise AssertionError(f"read {path} although the pack holds it")

    monkeypatch.setattr(fixtures, "read_fixture", no_npz)
    second = read(tree)
    assert second.keys() == first.keys()
    assert all(np.array_equal(second[k][a], first[k][a]) for k in first for a in first[k])


def test_a_damaged_pack_is_repaired_from_the_npz_files(tree: Tree, cache: Path) -> None:
    right = read(tree)
    pack = next(cache.glob("fixtures-dlai-*.pack"))
    data = bytearray(pack.read_bytes())
    data[-8:] = b"\x7f" * 8  # the last array's bytes
    pack.write_bytes(bytes(data))
    again = read(tree)
    assert again.keys() == right.keys()
    assert all(np.array_equal(again[k][a], right[k][a]) for k in right for a in right[k])
    assert pack.read_bytes() != bytes(data), "the damaged pack was not rewritten"


def test_a_fixture_changed_after_packing_is_not_served_from_the_pack(tree: Tree, cache: Path) -> None:
    read(tree)
    file = tree.fixture(KEY)
    arrays = fixtures.read_fixture(file)
    arrays[next(k for k in arrays if k.startswith("out."))] = arrays[next(k for k in arrays if k.startswith("out."))] + 1
    fixtures.write_fixture(file, arrays)
    os.utime(file, ns=(1, 1))  # a different mtime whatever the clock's resolution
    assert KEY not in read(tree)  # left out: its item reads the .npz and reports the checksum
