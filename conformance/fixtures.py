"""Fixtures: the oracle's inputs and expected outputs for every case, frozen as ``.npz``.

``fixtures/<suite>/<function>/<case>.npz`` holds ``in.<input path>`` and
``out.<output name>`` arrays (caches are not stored). Files are written byte-for-byte
deterministically (sorted keys, fixed zip timestamps, no compression) and read with
``allow_pickle=False``. ``spec/checksums.json`` records a sha256 of each fixture's
array contents (key, dtype, shape, bytes), which does not depend on the NumPy or zlib
version the way the file's bytes could.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

import oracle.cs231n
import oracle.dlai
from conformance import calling, paths
from conformance.recipe import build_inputs
from conformance.spec import Spec

ORACLES = {"dlai": oracle.dlai, "cs231n": oracle.cs231n}
MANIFEST = "checksums.json"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class FixtureError(Exception):
    """A fixture is missing, unreadable, or does not match its recorded checksum."""


def fixture_path(spec: Spec, case_id: str, root: Path | None = None) -> Path:
    return (root or paths.fixtures_dir()) / spec.suite_name / spec.function / f"{case_id}.npz"


def expected_arrays(spec: Spec, case: Mapping) -> dict[str, np.ndarray]:
    """Compute one case with the oracle: inputs and outputs as a flat dict of arrays."""
    inputs = build_inputs(spec, case)
    outputs = calling.run(ORACLES[spec.suite_name], spec, inputs)
    arrays = {f"in.{path}": arr for path, arr in inputs.items()}
    for item in spec.outputs:
        if item["kind"] != "cache":
            arrays[f"out.{item['name']}"] = np.asarray(outputs[item["name"]])
    return arrays


def content_checksum(arrays: Mapping[str, np.ndarray]) -> str:
    """sha256 over sorted keys, each with its dtype, shape and C-order bytes."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        arr = np.asarray(arrays[key])
        digest.update(f"{key}|{arr.dtype.str}|{arr.shape}|".encode())
        digest.update(arr.tobytes())
    return digest.hexdigest()


def write_fixture(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write an npz whose bytes depend only on the arrays (same input, same file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for key in sorted(arrays):
            member = io.BytesIO()
            # np.array(order="C"), not ascontiguousarray: that one turns a 0-d loss into shape (1,)
            np.lib.format.write_array(member, np.array(arrays[key], order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED  # stored: bytes independent of the zlib version
            archive.writestr(info, member.getvalue())
    path.write_bytes(buffer.getvalue())


def read_fixture(path: Path) -> dict[str, np.ndarray]:
    """Load a fixture; never unpickles. Raises FixtureError if missing or unreadable."""
    if not path.is_file():
        raise FixtureError(f"missing fixture {path} (generate it with `rnn-conformance regen`)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise FixtureError(f"unreadable fixture {path}: {exc}") from exc


def load_manifest(spec_root: Path | None = None) -> dict[str, str]:
    file = (spec_root or paths.spec_dir()) / MANIFEST
    return json.loads(file.read_text()) if file.is_file() else {}


def save_manifest(manifest: Mapping[str, str], spec_root: Path | None = None) -> None:
    file = (spec_root or paths.spec_dir()) / MANIFEST
    file.write_text(json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")


def load_case(spec: Spec, case_id: str, manifest: Mapping[str, str] | None = None,
              root: Path | None = None) -> dict[str, np.ndarray]:
    """A fixture checked against the manifest's checksum (drift and tampering show)."""
    arrays = read_fixture(fixture_path(spec, case_id, root))
    manifest = load_manifest() if manifest is None else manifest
    key = spec.case_key(case_id)
    if key not in manifest:
        raise FixtureError(f"no checksum recorded for {key} in spec/{MANIFEST}")
    found = content_checksum(arrays)
    if found != manifest[key]:
        raise FixtureError(f"fixture {key} does not match its checksum: recorded {manifest[key][:12]}…, "
                           f"found {found[:12]}… (tampered or stale; `rnn-conformance regen`)")
    return arrays


def split(arrays: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """A fixture's arrays as (inputs by path, outputs by name)."""
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in.")}
    outputs = {k[4:]: v for k, v in arrays.items() if k.startswith("out.")}
    return inputs, outputs
