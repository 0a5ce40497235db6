"""A grading job that carries everything it needs, so that another machine can run it.

The client packs a submission (its file, or its folder's files) as bytes together with the
grading options and the digest of the grader that made the job (``grader_digest``: the
spec, the fixtures' checksums, the oracle's and this package's code). A Dask worker runs
``run``: it refuses a job from a different grader, writes the files into a private
temporary folder, grades them exactly as ``rnn-conformance grade`` does on one machine (the
target in an isolated worker process started from a fresh interpreter, never in this one)
and returns the result as plain data, with the client's paths put back.

Nothing here imports Dask: a job is a dict of builtins and bytes.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from conformance.contract import paths
from conformance.running.submissions import content_files

MAX_SUBMISSION_BYTES = 20 << 20  # what one submission may weigh on the wire to a worker
_ONE_AT_A_TIME = threading.Lock()  # the worker template is one per process: one job at a time


class GraderMismatch(Exception):
    """The worker's grader is not the client's: its grades could differ."""


class PackError(Exception):
    """The submission cannot be sent (too large, unreadable)."""


@functools.cache  # asked once per job on a worker (~1 ms a time): it does not change while we run
def version() -> str:
    try:
        return importlib.metadata.version("rnn-conformance")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


@functools.cache
def grader_digest() -> str:
    """sha256 of what decides a grade: the spec (with the fixtures' checksums), the oracle and
    this package's code. Two graders with the same digest give the same grades."""
    import oracle

    roots = {"spec": paths.spec_dir(), "oracle": Path(oracle.__file__).resolve().parent,
             "conformance": Path(__file__).resolve().parent}
    sha = hashlib.sha256()
    for label, root in roots.items():
        # what a wheel ships (pyproject's package-data), so a checkout and a wheel agree
        patterns = ("*.json", "*/*.json") if label == "spec" else ("*.py",)
        for file in sorted(f for pattern in patterns for f in root.glob(pattern)):
            sha.update(f"{label}/{file.relative_to(root).as_posix()}\0".encode())
            sha.update(hashlib.sha256(file.read_bytes()).digest())
    return sha.hexdigest()


def identity() -> dict[str, str]:
    """What a worker tells the client about itself."""
    return {"version": version(), "digest": grader_digest()}


def mismatch(worker: str, theirs: dict[str, str], ours: dict[str, str]) -> str:
    return (f"worker {worker} has rnn-conformance {theirs['version']} with spec digest {theirs['digest'][:16]}; "
            f"the client has {ours['version']} with {ours['digest'][:16]}: install the same version on every worker")


# ---------------------------------------------------------------------------- client side

def pack(source: str, file: str) -> dict[str, Any]:
    """The submission's bytes: ``{"root": name, "folder": bool, "file": path in root, "files":
    {path: bytes}}``.
    A folder sends its regular files (subfolders too, except caches; symbolic links are not
    followed); a file submission sends itself. Raises PackError."""
    src, picked = Path(source), Path(file)
    files: dict[str, bytes] = {}
    total = 0
    chosen = picked.relative_to(src).as_posix() if src.is_dir() else src.name
    try:
        for member in content_files(src):
            total += member.stat().st_size
            if total > MAX_SUBMISSION_BYTES:
                raise PackError(f"the submission is larger than {MAX_SUBMISSION_BYTES / 2**20:g} MB: too large to send "
                                f"to a cluster worker (grade it without --scheduler)")
            files[member.relative_to(src).as_posix() if src.is_dir() else src.name] = member.read_bytes()
    except OSError as exc:
        raise PackError(f"cannot read the submission to send it: {exc}") from None
    if chosen not in files:
        raise PackError(f"the file to grade, {chosen}, is a symbolic link: not sent to a cluster worker")
    return {"root": src.name, "folder": src.is_dir(), "file": chosen, "files": files}


def make(job: dict[str, Any], grader: dict[str, str]) -> dict[str, Any]:
    """A local grading job made self-contained: the submission's bytes and the grader's identity
    added (``resolved_source``: how the client's messages name it). Raises PackError."""
    return {**job, "bundle": pack(job["source"], job["file"]), "grader": grader,
            "resolved_source": str(Path(job["source"]).resolve())}


# ---------------------------------------------------------------------------- worker side

def _unpack(bundle: dict[str, Any], into: Path) -> tuple[Path, Path]:
    """Write the bundle under ``into``; (source, file) as local paths."""
    if bundle["root"] in ("", ".", "..") or "/" in bundle["root"]:
        raise PackError(f"refusing a submission named {bundle['root']!r}")
    root = into / bundle["root"]
    if not bundle["folder"]:  # a file submission
        root.write_bytes(bundle["files"][bundle["root"]])
        return root, root
    for name, data in bundle["files"].items():
        path = (root / name).resolve()
        if root.resolve() not in path.parents:  # a crafted job cannot write outside its folder
            raise PackError(f"refusing to write {name!r} outside the submission's folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root, root / bundle["file"]


def _worker_scratch() -> list[str]:
    """The Dask worker's own folder (spilled data of other jobs): hidden from the target too."""
    try:
        from distributed import get_worker

        return [str(Path(get_worker().local_directory).resolve())]
    except (ImportError, ValueError, AttributeError):
        return []


_PREPARED: dict[str, Any] = {}  # grading options -> the suites loaded for them, in this worker


def _suites_for(job: dict[str, Any]) -> dict[str, Any]:
    """The suites with the job's points, their items' data loaded (once per worker and options)."""
    from conformance.grading.suites import prepare_suites

    key = json.dumps([job["suite"], job["points"], job["random_cases"], job["random_seed"]], sort_keys=True)
    if key not in _PREPARED:
        _PREPARED.clear()  # one course at a time: a worker does not hoard every option's data
        _PREPARED[key] = prepare_suites(job["suite"], job["points"], job["random_cases"], job["random_seed"])
    return _PREPARED[key]


def run(job: dict[str, Any]) -> dict[str, Any]:
    """Grade one packed job on this machine; the result as plain data (SubmissionResult.to_dict).
    Raises GraderMismatch when the job was made by another grader."""
    ours = identity()
    if job["grader"]["digest"] != ours["digest"]:
        import socket

        raise GraderMismatch(mismatch(socket.gethostname(), ours, job["grader"]))
    from conformance.grading.grade_submission import error_for, grade_submission

    with _ONE_AT_A_TIME:
        suites = _suites_for(job)
        scratch = Path(tempfile.mkdtemp(prefix="rnn-conformance-job-"))
        try:
            source, file = _unpack(job["bundle"], scratch.resolve())
            hide = sorted({str(scratch), *_worker_scratch(), *(h for h in job["hide"] if os.path.exists(h))})
            local = {**job, "source": str(source), "file": str(file), "hide": hide}
            local.pop("bundle")
            try:
                result = grade_submission(local, suites).to_dict()
            except Exception as exc:  # noqa: BLE001 - a grader bug costs one submission, not the run
                result = error_for(local, suites, f"the grader failed on this submission: "
                                                  f"{type(exc).__name__}: {exc}").to_dict()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    # the texts name the submission as the client's machine has it, as local grading does
    result = _replaced(result, str(source.resolve()), job["resolved_source"])
    result["source"], result["file"] = job["source"], job["file"]
    return result


def _replaced(value: Any, old: str, new: str) -> Any:
    """``value`` (builtins) with ``old`` replaced by ``new`` in every string."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {key: _replaced(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, old, new) for item in value]
    return value
