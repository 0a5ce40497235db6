"""The grader's files: per submission a Gradescope ``results.json`` (and ``junit.xml`` on
request), per class ``summary.csv`` and ``summary.json``.

Every file is written whole to a temporary name and then renamed over the old one
(``os.replace``), so a reader — or a grader that crashes half-way — never sees half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conformance.contract import catalogue
from conformance.contract.spec import Suite, suite_order
from conformance.judging.scoring import EARNS, SubmissionResult
from conformance.reports import clusters
from conformance.reports.report import judged

HIDDEN_VISIBILITY = "after_due_date"
MARKER = ".rnn-conformance-grades.json"  # in --out: the submission folders this command wrote
RESULT_DATA = ".result.json"  # beside results.json: the whole result, what --resume reads back
_OWN_FILES = ("results.json", "junit.xml", RESULT_DATA)
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: reports get the permissions the user's umask asks for
# XML 1.0 cannot hold most control characters; a target's exception message may contain them.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` so that ``path`` is always either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide the reports from a course's other staff
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# the options kept in the marker, as the command line names them
_OPTION_NAMES = {"suite": "--suite", "timeout": "--timeout", "memory_mb": "--memory-mb", "random_cases": "--random-cases",
                 "random_seed": "--random-seed", "isolate": "isolation", "profile": "--profile", "points": "--points",
                 "grader": "the grader (rnn-conformance's spec, fixtures and code: digest)"}


class OutFolderError(Exception):
    """--out cannot be used: a file, or a non-empty folder this command did not write."""


def prepare_out(out: Path, names: list[str], force: bool, run: dict[str, Any] | None = None,
                resume: bool = False) -> int:
    """Make ``out`` ready for a run grading ``names``; returns how many old submission folders
    were cleared. Only what this command wrote (listed in its marker file) is ever deleted,
    and of each folder only its report files. ``run``: the options that decide the grades,
    kept in the marker; with ``resume`` nothing is cleared, and the previous run must have had
    the same ``run`` (raises OutFolderError naming what differs)."""
    if out.exists() and not out.is_dir():
        raise OutFolderError(f"--out {out} is a file, not a folder")
    marker = out / MARKER
    # a marker we cannot read still says this command wrote here (nothing listed is cleared)
    data = (_read_marker(marker) or {"folders": [], "files": [], "run": None}) if marker.is_file() else None
    if resume and data is None:
        raise OutFolderError(f"--resume: {out} holds no run of rnn-conformance grade to resume")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # under a file, or no permission: the grader's problem, said in one line
        raise OutFolderError(f"--out {out} cannot be created: {exc.strerror}") from None
    if resume:
        before, now = data.get("run") or {}, run or {}
        differ = sorted(k for k in {*before, *now} if before.get(k) != now.get(k))
        if differ:
            def said(k: str, values: dict, named: bool) -> str:  # an option not given: "no --suite", not None
                name = _OPTION_NAMES.get(k, k)
                return f"no {name}" if values.get(k) is None else f"{name} {values[k]!r}" if named else repr(values[k])
            told = "; ".join(f"{said(k, before, True)} then, {said(k, now, False)} now" for k in differ)
            raise OutFolderError(f"--resume: {out} was graded with other options ({told}); "
                                 f"resume with the same options, or grade again without --resume")
        folders = sorted({*map(str, data.get("folders", [])), *names})
        _write_marker(marker, folders, data.get("files", []), run)
        return 0
    cleared = 0
    if data is not None:
        for name in data.get("folders", []):
            folder = out / str(name)
            if not folder.is_dir() or folder.is_symlink() or folder.parent != out:
                continue
            for file in [*(folder / f for f in _OWN_FILES), *folder.glob(".*.tmp")]:
                file.unlink(missing_ok=True)
            try:
                folder.rmdir()  # only if nothing else was put there
                cleared += 1
            except OSError:
                pass
        for file in ("summary.csv", "summary.json"):
            (out / file).unlink(missing_ok=True)
        _clear_files(out, list(data.get("files", [])))
    elif any(out.iterdir()) and not force:
        raise OutFolderError(f"--out {out} is not empty and was not written by rnn-conformance grade; choose an "
                             f"empty folder, or pass --force to grade into it anyway (nothing in it is deleted)")
    _write_marker(marker, sorted(names), [], run)
    return cleared


def _read_marker(marker: Path) -> dict[str, Any] | None:
    """The marker's data (folders, files relative to --out, the run's options), or None."""
    try:
        data = json.loads(marker.read_text())
    except (ValueError, OSError):
        return None
    if not isinstance(data, dict):
        return None
    return {"folders": _list(data.get("folders")), "files": _list(data.get("files")),
            "run": data.get("run") if isinstance(data.get("run"), dict) else None}


def _list(value: Any) -> list:
    return list(value) if isinstance(value, list) else []


def _write_marker(marker: Path, folders: list, files: list, run: dict[str, Any] | None) -> None:
    data = {"written_by": "rnn-conformance grade", "folders": sorted(map(str, folders)),
            "files": sorted(map(str, files)), "run": run}
    write_atomic(marker, json.dumps(data, indent=1) + "\n")


def _clear_files(out: Path, files: list) -> None:
    """Delete the listed files (and their folders, once empty) if they are plain files inside ``out``."""
    folders = set()
    for name in files:
        path = out / str(name)
        if ".." in Path(str(name)).parts or path.is_symlink() or not path.is_file():
            continue  # a hand-edited marker must not aim the deletion outside --out
        if out.resolve() not in path.resolve().parents:
            continue
        path.unlink(missing_ok=True)
        if path.parent != out:
            folders.add(path.parent)
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        for tmp in folder.glob(".*.tmp"):  # left by a writer that was killed
            tmp.unlink(missing_ok=True)
        try:
            folder.rmdir()  # only if nothing else was put there
        except OSError:
            pass


def note_written(out: Path, files: list[str]) -> None:
    """Add ``files`` (paths relative to ``out``) to the marker, before writing them, so that a
    regrade clears them and nothing else."""
    data = _read_marker(out / MARKER) or {"folders": [], "files": [], "run": None}
    _write_marker(out / MARKER, data["folders"], sorted({*map(str, data["files"]), *files}), data["run"])


# ------------------------------------------------------------------- per submission

def header(result: SubmissionResult) -> str:
    """The one paragraph a student reads first."""
    if result.status != "graded":
        text = f"Could not grade {result.source}: {result.message}"
    else:
        text = (f"Graded {Path(result.file).name} against the {result.suite} suite: "
                f"{result.score:g} of {result.max_score:g} points.")
    for function, why in sorted(result.reference_matches.items()):
        text += f"\n`{function}` matches the reference implementation ({why}): no points."
    if result.notes:
        text += "\nHow your file was read:" + "".join(f"\n- {note}" for note in result.notes)
    if result.limits:
        text += f"\nLimits: {result.limits}"
    if result.output:
        text += f"\n\nYour code printed (first part only):\n{result.output}"
    return text


def gradescope(result: SubmissionResult) -> dict[str, Any]:
    """Gradescope's autograder ``results.json``: top-level score, one test per item.

    Only the fields of Gradescope's "Autograder Specifications", "Output format"
    (https://gradescope-autograders.readthedocs.io/en/latest/specs/; tests/gradescope_results.schema.json).
    That format has no top-level ``max_score`` (Gradescope takes the assignment's points), so
    ours is in ``extra_data``. Every text is ``"text"`` format: a submission's printing or
    an exception message is shown as written, never rendered as HTML or Markdown.
    """
    tests = []
    for item in result.items:
        tests.append({
            "name": item.name,
            "score": item.score,
            "max_score": item.max_score,
            "status": "passed" if item.outcome in EARNS else "failed",
            "output": item.shown,
            "output_format": "text",
            "visibility": HIDDEN_VISIBILITY if item.hidden else "visible",
            "tags": [item.function, item.kind, *(f"misconception:{m}" for m in item.misconceptions)],
        })
    return {"score": result.score, "execution_time": round(result.execution_time, 3),
            "output": header(result), "output_format": "text",
            # run_autograder's stdout is the instructor's log (paths, tracebacks), not the student's
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
            # Gradescope keeps extra_data without showing it: what an instructor filters on.
            "extra_data": {"max_score": result.max_score,
                           "matches_reference": dict(sorted(result.reference_matches.items())),
                           "sandbox": result.limits, "notes": result.notes}}


def junit(result: SubmissionResult) -> str:
    """Standard JUnit XML, one testcase per item; hidden cases show the same redacted text."""
    def clean(text: str) -> str:
        return _NOT_XML.sub("?", text)

    outcomes = [i.outcome for i in result.items]
    failures = sum(o in ("fail", "missing") for o in outcomes)
    errors = outcomes.count("error") + (result.status != "graded" and not result.items)
    skipped = outcomes.count("skip")
    tests = len(result.items) or 1
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors), "skipped": str(skipped),
              "time": f"{result.execution_time:.3f}"}
    root = ET.Element("testsuites", {"name": "rnn-conformance", **counts})
    suite_el = ET.SubElement(root, "testsuite", {"name": clean(result.name), **counts})
    props = ET.SubElement(suite_el, "properties")
    for key, value in (("suite", result.suite or ""), ("file", result.file or ""), ("status", result.status),
                       ("score", f"{result.score:g}"), ("max_score", f"{result.max_score:g}")):
        ET.SubElement(props, "property", {"name": key, "value": clean(value)})
    for item in result.items:
        case = ET.SubElement(suite_el, "testcase", {"classname": f"{result.suite}.{item.function}",
                                                    "name": clean(item.name), "time": f"{item.time:.6f}"})
        first = clean(item.shown.splitlines()[0] if item.shown else item.outcome)
        if item.outcome == "skip":
            ET.SubElement(case, "skipped", {"message": first})
        elif item.outcome == "error":
            ET.SubElement(case, "error", {"message": first, "type": "error"}).text = clean(item.shown)
        elif item.outcome != "pass":
            ET.SubElement(case, "failure", {"message": first, "type": item.outcome}).text = clean(item.shown)
    if not result.items and result.status != "graded":
        case = ET.SubElement(suite_el, "testcase", {"classname": "rnn-conformance", "name": "grading", "time": "0"})
        ET.SubElement(case, "error", {"message": clean(result.message.splitlines()[0] if result.message else "error"),
                                      "type": "grading"}).text = clean(result.message)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_submission(out: Path, result: SubmissionResult, with_junit: bool, content: str = "") -> None:
    """results.json (and junit.xml), then the whole result with ``content``, the digest of the
    submission's files it was graded from (submissions.content_digest), for --resume."""
    folder = out / result.name
    # compact: json's C encoder (indent= falls back to Python's, ~20 ms a submission in the parent)
    write_atomic(folder / "results.json", json.dumps(gradescope(result), separators=(",", ":")) + "\n")
    if with_junit:
        write_atomic(folder / "junit.xml", junit(result))
    # last: its presence says every report of this submission is whole (see finished_result)
    data = {"content_sha256": content, "result": result.to_dict()}
    write_atomic(folder / RESULT_DATA, json.dumps(data, separators=(",", ":")) + "\n")


def finished_result(out: Path, name: str, source: str, content: str, with_junit: bool) -> SubmissionResult | None:
    """The result a previous run wrote for submission ``name`` graded from ``source`` whose
    files had the digest ``content``, if all its reports are there and readable; else None
    (it is graded again: a resubmitted file is not kept at its old grade)."""
    folder = out / name
    needed = [folder / "results.json", *([folder / "junit.xml"] if with_junit else [])]
    try:
        data = json.loads((folder / RESULT_DATA).read_text(encoding="utf-8"))
        result = SubmissionResult.from_dict(data["result"])
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None
    if (result.name, result.source, data.get("content_sha256")) != (name, source, content):
        return None
    return result if all(p.is_file() for p in needed) else None


# ------------------------------------------------------------------------- the class

def function_columns(suites: dict[str, Suite], names: list[str]) -> list[tuple[str, str]]:
    """Per-function columns as (suite, function): the suites in suite order, each suite's
    functions in spec order. Several suites have e.g. ``lstm_backward``: they are different
    functions, so they never share a column."""
    return [(name, spec.function)
            for name in suite_order(names)
            for spec in suites[name]]


def summary_csv(results: list[SubmissionResult], suites: dict[str, Suite], suite_names: list[str],
                member_of: dict[str, list[str]] | None = None) -> str:
    """One row per submission: score, max_score, points earned per function, status, its clusters' ids.

    Function columns are always named ``suite.function`` (``<suite>.lstm_backward``), whichever
    suites the class has, so a script can rely on them."""
    columns = function_columns(suites, suite_names + [r.suite for r in results if r.suite])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "file", "suite", "score", "max_score", *(f"{s}.{f}" for s, f in columns),
                     "status", "matches_reference", "misconceptions", "clusters", "message"])
    for r in results:
        cells = [f"{r.functions[f]['earned']:.4g}" if s == r.suite and f in r.functions else "" for s, f in columns]
        message = r.message.splitlines()[0] if r.message else ""
        writer.writerow([r.name, r.file or "", r.suite or "", f"{r.score:.6g}", f"{r.max_score:.6g}",
                         *cells, r.status, " ".join(sorted(r.reference_matches)), " ".join(misconceptions_of(r)),
                         " ".join((member_of or {}).get(r.name, [])), message])
    return buffer.getvalue()


def misconceptions_of(result: SubmissionResult) -> dict[str, list[str]]:
    """id -> the functions of this submission where it was recognised (sorted)."""
    found: dict[str, set[str]] = {}
    for item in result.items:
        for mistake in item.misconceptions:
            found.setdefault(mistake, set()).add(item.function)
    return {mistake: sorted(functions) for mistake, functions in sorted(found.items())}


def misconception_counts(group: list[SubmissionResult]) -> dict[str, Any]:
    """Per id: its title, how many submissions show it, and how many per function; most frequent first."""
    titles = catalogue.titles()
    counts: dict[str, dict[str, Any]] = {}
    for r in group:
        for mistake, functions in misconceptions_of(r).items():
            entry = counts.setdefault(mistake, {"title": titles.get(mistake, ""), "submissions": 0, "functions": {}})
            entry["submissions"] += 1
            for fn in functions:
                entry["functions"][fn] = entry["functions"].get(fn, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1]["submissions"], kv[0])))


def _rate(passed: int, of: int) -> float | None:
    return round(passed / of, 6) if of else None


def summary_json(results: list[SubmissionResult], expected: int) -> dict[str, Any]:
    """Pass rates per function and per case, over the submissions that were graded."""
    graded = [r for r in results if r.status == "graded"]
    by_suite: dict[str, Any] = {}
    for name in sorted({r.suite for r in graded}):
        group = [r for r in graded if r.suite == name]
        functions: dict[str, Any] = {}
        cases: dict[str, Any] = {}
        for r in group:
            for fn, entry in r.functions.items():
                f = functions.setdefault(fn, {"points": entry["points"], "full_marks": 0, "judged": 0,
                                              "earned_total": 0.0})
                if judged([i.outcome for i in r.items if i.function == fn])[1]:  # not all skipped (supplied)
                    f["judged"] += 1
                    f["full_marks"] += entry["earned"] >= entry["points"] - 1e-9
                f["earned_total"] += entry["earned"]
            for item in r.items:
                c = cases.setdefault(item.name, {"function": item.function, "case": item.case, "kind": item.kind,
                                                 "passed": 0, "graded": 0})
                if item.outcome != "skip":  # a skipped item was not judged: it counts neither way
                    c["graded"] += 1
                    c["passed"] += item.outcome in EARNS
        for f in functions.values():
            earned_total = f.pop("earned_total")
            f["mean_earned"] = round(earned_total / len(group), 6)
            f["pass_rate"] = _rate(f["full_marks"], f["judged"])
        for c in cases.values():
            c["pass_rate"] = _rate(c["passed"], c["graded"])
        by_suite[name] = {
            "graded": len(group),
            "max_score": group[0].max_score,
            "mean_score": round(sum(r.score for r in group) / len(group), 6),
            "functions": dict(sorted(functions.items())),
            "cases": dict(sorted(cases.items())),
            "misconceptions": misconception_counts(group),
        }
    return {
        "submissions": {"expected": expected, "finished": len(results), "graded": len(graded),
                        "errors": len(results) - len(graded)},
        "pass_rates_over": "graded submissions (status 'graded') where it was judged (not supplied by the grader, "
                           "not skipped); a function's pass_rate counts full marks",
        "suites": by_suite,
        "results": [{"submission": r.name, "file": r.file, "suite": r.suite, "status": r.status,
                     "score": r.score, "max_score": r.max_score,
                     "matches_reference": sorted(r.reference_matches),
                     "execution_time": round(r.execution_time, 3), "timed_out": dict(sorted(r.timed_out.items())),
                     "misconceptions": misconceptions_of(r),
                     "message": r.message.splitlines()[0] if r.message else ""} for r in results],
    }


def write_class(out: Path, results: list[SubmissionResult], suites: dict[str, Suite],
                suite_names: list[str], expected: int) -> dict[str, Any]:
    """Write summary.csv and summary.json; returns summary.json's dict (the class report's data)."""
    summary = summary_json(results, expected)
    member_of = clusters.add(summary, results)  # per suite: submissions with bit-identical wrong outputs
    write_atomic(out / "summary.csv", summary_csv(results, suites, suite_names, member_of))
    write_atomic(out / "summary.json", json.dumps(summary, indent=2) + "\n")
    return summary
