"""Private copies of the repository's spec/ and fixtures/ under tmp_path, and the edits the
spec and regen tests make to them (one mutation each, so a test shows one defence at work).

The fixtures here are imported by name into the test modules that use them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from conformance.contract import fixtures, paths


class Tree(NamedTuple):
    spec: Path
    fixtures: Path

    def spec_file(self, key: str) -> Path:  # key: "dlai/softmax"
        return self.spec / f"{key}.json"

    def fixture(self, key: str) -> Path:  # key: "dlai/softmax/random_small"
        return self.fixtures / f"{key}.npz"


@pytest.fixture
def spec_tree(tmp_path: Path) -> Tree:
    """A private copy of spec/ only (enough for load_suite)."""
    shutil.copytree(paths.spec_dir(), tmp_path / "spec")
    return Tree(tmp_path / "spec", tmp_path / "fixtures")


@pytest.fixture
def tree(spec_tree: Tree) -> Tree:
    """A private copy of spec/ and fixtures/, laid out as in the repository."""
    shutil.copytree(paths.fixtures_dir(), spec_tree.fixtures)
    return spec_tree


@pytest.fixture
def cli_on(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Tree:
    """Point the CLI (which has no --spec-root) at the copied tree through its one seam."""
    monkeypatch.setattr(paths, "data_root", lambda: tree.spec.parent)
    return tree


def edit_json(file: Path, mutate: Callable[[dict], object]) -> None:
    data = json.loads(file.read_text())
    mutate(data)
    file.write_text(json.dumps(data, indent=1))


def edit_fixture(tree: Tree, key: str, mutate: Callable[[dict], object], record: bool) -> None:
    """Rewrite a fixture as the writer would; record=True also records its new checksum,
    so that only the mutation itself is left to find."""
    arrays = fixtures.read_fixture(tree.fixture(key))
    mutate(arrays)
    fixtures.write_fixture(tree.fixture(key), arrays)
    if record:
        set_checksum(key, fixtures.content_checksum(arrays))(tree)


def set_checksum(key: str, value: str | None) -> Callable[[Tree], None]:
    """A mutation of a tree: record ``value`` as ``key``'s checksum (None: delete the entry)."""
    def mutate(tree: Tree) -> None:
        manifest = fixtures.load_manifest(tree.spec)
        if value is None:
            del manifest[key]
        else:
            manifest[key] = value
        fixtures.save_manifest(manifest, tree.spec)
    return mutate


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    return {f.relative_to(root).as_posix(): f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file()}
