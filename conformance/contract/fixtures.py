"""Fixtures: the oracle's inputs and expected outputs for every case, frozen as ``.npz``.

``fixtures/<suite>/<function>/<case>.npz`` holds ``in.<input path>`` and
``out.<output name>`` arrays (caches are not stored). Files are written byte-for-byte
deterministically (sorted keys, fixed zip timestamps, no compression) and read with
``allow_pickle=False``. ``spec/checksums.json`` records a sha256 of each fixture's
array contents (key, dtype, shape, bytes), which does not depend on the NumPy or zlib
version the way the file's bytes could.

Regeneration keeps a stored fixture whose arrays equal the oracle's to rounding
(``differences`` is empty): both regen paths, ``rnn-conformance regen`` and
``pytest tests --force-regen``, decide with that one function, so neither churns on a
machine whose BLAS rounds differently.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from conformance.contract import calling, paths
from conformance.contract.recipe import build_inputs
from conformance.contract.spec import Spec, oracle_for

MANIFEST = "checksums.json"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# How far a float output may move, as a fraction of the array's largest magnitude, and still
# be "the same" (the stored bytes are kept). OpenBLAS picks its kernels by CPU, and with and
# without FMA the oracle's matmuls round differently. Measured with OpenBLAS 0.3.31 against
# the Zen/Haswell kernels that wrote the fixtures: OPENBLAS_CORETYPE=Prescott, Nehalem,
# SandyBridge, Core2, Atom, Barcelona or Bulldozer changes ~490 output arrays in 135-137
# fixtures, by at most 2.3e-13 of the array's scale (an LSTM backward's large_logits case, whose
# saturated-gate gradients are all cancellation); one user's machine showed 6.7e-16 absolute.
# 1e-12 (~4,500 ulp of the largest element) leaves 4x room above the worst of those and is
# still orders below any change of formula or constant; inputs must match exactly, so a
# changed seed or recipe is always a change.
REGEN_RTOL = 1e-12


class FixtureError(Exception):
    """A fixture is missing, unreadable, or does not match its recorded checksum."""


def fixture_path(spec: Spec, case_id: str, root: Path | None = None) -> Path:
    return fixture_path_in(root or paths.fixtures_dir(), spec.suite_name, spec.function, case_id)


def fixture_path_in(root: Path, suite: str, function: str, case_id: str) -> Path:
    """Where one case's fixture lives under the fixtures folder ``root``."""
    return root / suite / function / f"{case_id}.npz"


def expected_arrays(spec: Spec, case: Mapping) -> dict[str, np.ndarray]:
    """Compute one case with the oracle: inputs and outputs as a flat dict of arrays."""
    inputs = build_inputs(spec, case)
    outputs = calling.run(oracle_for(spec), spec, inputs)
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


def _index(flat: int, shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + "]" if shape else ""


def _value_difference(key: str, new: np.ndarray, stored: np.ndarray) -> str | None:
    """One line for the worst differing element, or None when the values agree."""
    spread = ""
    if stored.dtype.kind == "f":
        diff = np.abs(new - stored)
        err = np.where(np.isnan(diff), np.inf, diff)
        spread = f"max abs diff {float(err.max(initial=0.0)):.3g}, "
    if key.startswith("in.") or stored.dtype.kind != "f":  # drawn by RandomState: the same everywhere
        bad, allowed = new != stored, "exactly"
        if not spread:
            err = bad.astype(float)
    else:
        scale = float(np.abs(stored).max(initial=0.0))
        bad = ~(diff <= REGEN_RTOL * scale)  # ~(<=) so that NaN counts as a difference
        allowed = f"to {REGEN_RTOL:g} x max|fixture| = {REGEN_RTOL * scale:.3g}"
    if not bad.any():
        return None
    worst = int(np.argmax(np.where(bad, err, -1.0)))
    return (f"{key}{_index(worst, stored.shape)}: oracle gives {new.flat[worst].item()!r}, "
            f"fixture has {stored.flat[worst].item()!r} "
            f"({spread}{int(bad.sum())}/{bad.size} elements differ; must agree {allowed})")


def differences(new: Mapping[str, np.ndarray], stored: Mapping[str, np.ndarray]) -> list[str]:
    """What makes ``new`` (the oracle's arrays now) a change from ``stored`` (a fixture's): one
    line per array, in sorted key order. Empty means equal to rounding: keep the stored file.

    Keys, dtypes and shapes must match, inputs and non-float arrays exactly; float outputs to
    ``REGEN_RTOL`` of the stored array's largest magnitude.
    """
    lines = [f"{key}: in the fixture, but the oracle does not produce it" for key in sorted(stored.keys() - new)]
    lines += [f"{key}: produced by the oracle, missing from the fixture" for key in sorted(new.keys() - stored)]
    for key in sorted(set(new) & set(stored)):
        got, want = np.asarray(new[key]), np.asarray(stored[key])
        if got.dtype != want.dtype:
            lines.append(f"{key}: oracle gives dtype {got.dtype}, fixture has {want.dtype}")
        elif got.shape != want.shape:
            lines.append(f"{key}: oracle gives shape {got.shape}, fixture has {want.shape}")
        elif (line := _value_difference(key, got, want)) is not None:
            lines.append(line)
    return lines


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
    # np.load guesses by content: any other file would be "pickled data" (refused), an .npy an
    # array, a zip of other files bytes. Say what the file is not instead.
    if not zipfile.is_zipfile(path):
        raise FixtureError(f"{path} is not a fixture: not an .npz archive (a zip of .npy arrays); "
                           f"`rnn-conformance regen` rewrites it")
    try:
        with np.load(path, allow_pickle=False) as npz:
            strays = [name for name in npz.zip.namelist() if not name.endswith(".npy")]
            if strays:
                raise FixtureError(f"{path} is not a fixture: a zip holding {strays[0]}, which is not an .npy "
                                   f"array; `rnn-conformance regen` rewrites it")
            return {key: npz[key] for key in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise FixtureError(f"unreadable fixture {path}: {exc}") from exc


def load_manifest(spec_root: Path | None = None) -> dict[str, str]:
    file = (spec_root or paths.spec_dir()) / MANIFEST
    return json.loads(file.read_text()) if file.is_file() else {}


def save_manifest(manifest: Mapping[str, str], spec_root: Path | None = None) -> bool:
    """Write spec/checksums.json; True if written, False if it already held these bytes
    (then it is not touched at all, so an unchanged regen leaves even its mtime)."""
    file = (spec_root or paths.spec_dir()) / MANIFEST
    text = (json.dumps(dict(sorted(manifest.items())), indent=1) + "\n").encode()
    if file.is_file() and file.read_bytes() == text:
        return False
    file.write_bytes(text)
    return True


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


def read_suite(specs: list[Spec], manifest: Mapping[str, str],
               root: Path | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Every fixture case of ``specs`` whose arrays match the manifest, by case key, read at once.

    The first read of a manifest's fixtures (~2 ms per .npz) writes them all into one compact
    pack in the cache folder (validated.folder(): raw array bytes and a JSON index, wire.py's
    format: never a pickle), which later starts read in a few milliseconds. A case whose .npz
    changed since (its size or mtime), or whose packed arrays fail their recorded checksum (a
    damaged pack), is read from the .npz again, and the pack rewritten; a case whose .npz fails
    too is left out, and its item reads the .npz itself and says what is wrong.
    """
    files = {spec.case_key(case["id"]): fixture_path(spec, case["id"], root) for spec in specs for case in spec.cases}
    pack = _pack_file(specs, manifest, root)
    packed = _read_pack(pack) if pack else {}
    good, stats, rewrite = {}, {}, False
    for key, file in files.items():
        try:
            stat = file.stat()
        except OSError:
            continue  # missing: its item says so
        stats[key] = [stat.st_mtime_ns, stat.st_size]
        entry = packed.get(key)
        arrays = entry.get("arrays") if isinstance(entry, dict) and entry.get("stat") == stats[key] else None
        if _matches(arrays, manifest.get(key)):
            good[key] = arrays
            continue
        rewrite = True  # not packed, its .npz changed, or the pack is damaged
        try:
            arrays = read_fixture(file)
        except FixtureError:
            continue
        if _matches(arrays, manifest.get(key)):
            good[key] = arrays
    if pack and rewrite and len(good) == len(files):
        _write_pack(pack, {k: {"stat": stats[k], "arrays": v} for k, v in good.items()})
    return good


def _matches(arrays: Any, checksum: str | None) -> bool:
    return isinstance(arrays, dict) and checksum is not None and content_checksum(arrays) == checksum


_PACK_FRAME = 8  # bytes: the JSON index's length, then the index, then the arrays' bytes
PACKS_KEPT = 6  # both suites of the installed fixtures, and a few more (~0.2 MB each)


def _pack_file(specs: list[Spec], manifest: Mapping[str, str], root: Path | None) -> Path | None:
    from conformance.contract import validated

    folder = validated.folder()
    if folder is None or not specs:
        return None
    where = str((root or paths.fixtures_dir()).resolve())
    digest = hashlib.sha256(json.dumps([where, sorted(manifest.items())]).encode()).hexdigest()[:20]
    return folder / f"fixtures-{specs[0].suite_name}-{digest}.pack"


def _read_pack(file: Path) -> dict[str, Any]:
    from conformance.contract import wire

    try:
        data = file.read_bytes()
        size = int.from_bytes(data[:_PACK_FRAME], "little")
        found = wire.decode(data[_PACK_FRAME:_PACK_FRAME + size], data[_PACK_FRAME + size:])
    except (OSError, ValueError, wire.WireError):
        return {}
    return found if isinstance(found, dict) else {}


def _write_pack(file: Path, cases: Mapping[str, Any]) -> None:
    """Atomically (a concurrent reader sees the old pack or the new one); never fails the run."""
    from conformance.contract import wire

    try:
        header, blob = wire.encode(dict(cases))
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary = file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(len(header).to_bytes(_PACK_FRAME, "little") + header + blob)
        os.replace(temporary, file)
        # a pack per fixtures folder and manifest: keep the newest few (tests make many throw-away trees)
        packs = sorted(file.parent.glob("fixtures-*.pack"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in packs[PACKS_KEPT:]:
            old.unlink(missing_ok=True)
    except (OSError, wire.WireError):
        pass


def split(arrays: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """A fixture's arrays as (inputs by path, outputs by name)."""
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in.")}
    outputs = {k[4:]: v for k, v in arrays.items() if k.startswith("out.")}
    return inputs, outputs
