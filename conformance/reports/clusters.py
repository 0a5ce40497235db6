"""Clusters of a class's shared mistakes: submissions whose wrong outputs are bit-identical.

A submission's function joins a cluster with another's when, item by item, both got the same
wrong outputs to the last bit (the verdict's ``wrong_digest``: blake2b of each wrong output's
name, dtype, shape and bytes) and every other item ended the same way (passed, errored...).
So the key is the function and what each of its items gave: two different mistakes never share
a cluster, a function right on every item has no key and forms none, and grouping is one hash
map over the class (linear in its size). ``same_code`` says whether the members' functions are
also the same code after normalisation (conformance.running.fingerprint; grade_submission
records it). The wording states facts and accuses no one.
"""

from __future__ import annotations

from typing import Any

from conformance.judging.scoring import ItemResult, SubmissionResult

SHOWN_CHARS, SHOWN_LINES = 1500, 12  # of the representative verdict on the class report
LISTED_CASES = 3  # a statement names the cases when there are this few (else it counts them)


def _by_function(result: SubmissionResult) -> dict[str, list[ItemResult]]:
    found: dict[str, list[ItemResult]] = {}
    for item in result.items:
        found.setdefault(item.function, []).append(item)
    return found


def _key(function: str, items: list[ItemResult]) -> tuple | None:
    """What the function gave on each item (its wrong outputs' digest, else its outcome); None
    when no output was wrong: right answers and errors alone make no cluster."""
    if not any(item.wrong_digest for item in items):
        return None
    return function, tuple((item.case, item.wrong_digest or item.outcome) for item in items)


def find(results: list[SubmissionResult], suite: str) -> list[dict[str, Any]]:
    """The clusters (two submissions or more) among the suite's graded submissions, largest first:
    id, function, cases (with wrong outputs), outputs (those wrong), submissions, misconceptions,
    same_code, statement (one sentence), representative (a member's item whose verdict shows it)."""
    groups: dict[tuple, list[tuple[SubmissionResult, list[ItemResult]]]] = {}
    for r in results:
        if r.status != "graded" or r.suite != suite:
            continue
        for function, items in _by_function(r).items():
            key = _key(function, items)
            if key is not None:
                groups.setdefault(key, []).append((r, items))
    found = [_cluster(key[0], members) for key, members in groups.items() if len(members) > 1]
    found.sort(key=lambda c: (-len(c["submissions"]), c["function"], c["submissions"][0]))
    return [{"id": f"{suite}-{k}", **c} for k, c in enumerate(found, 1)]


def _cluster(function: str, members: list[tuple[SubmissionResult, list[ItemResult]]]) -> dict[str, Any]:
    first = members[0][1]
    wrong = [item for item in first if item.wrong_digest]
    outputs: list[str] = []
    for item in wrong:
        outputs += [o for o in item.wrong_outputs if o not in outputs]
    prints = [r.code_prints.get(function, "") for r, _ in members]
    same_code = bool(prints[0]) and len(set(prints)) == 1
    shown = next((item for item in wrong if not item.hidden), wrong[0])
    cluster = {"function": function, "cases": [item.case for item in wrong], "outputs": outputs,
               "submissions": [r.name for r, _ in members],
               "misconceptions": sorted({m for _, items in members for item in items for m in item.misconceptions}),
               "same_code": same_code,
               "representative": {"submission": members[0][0].name, "item": shown.name}}
    judged = [item for item in first if item.kind != "gradcheck"]
    cluster["statement"] = statement(cluster, len(judged), all(prints))
    return cluster


def statement(cluster: dict[str, Any], cases_of_function: int, all_printed: bool) -> str:
    """One sentence of facts, e.g. "3 submissions return identical wrong dWaa on every case of
    rnn_cell_backward; their rnn_cell_backward code is the same after normalisation."."""
    fn, n = cluster["function"], len(cluster["cases"])
    on = f"on every case of {fn}" if n == cases_of_function else f"on {n} of {cases_of_function} cases of {fn}"
    on += f" ({', '.join(cluster['cases'])})" if n < cases_of_function and n <= LISTED_CASES else ""
    outputs = cluster["outputs"]
    wrong = ", ".join(outputs[:-1]) + " and " + outputs[-1] if len(outputs) > 1 else outputs[0]
    text = f"{len(cluster['submissions'])} submissions return identical wrong {wrong} {on}; "
    if cluster["same_code"]:
        return text + f"their {fn} code is the same after normalisation."
    if all_printed:
        return text + f"their {fn} code differs after normalisation."
    return text + f"their {fn} code was not compared (too short to tell, or not read)."


def add(summary: dict[str, Any], results: list[SubmissionResult]) -> dict[str, list[str]]:
    """Put each suite's clusters in summary.json's dict (``suites.<suite>.clusters``); returns
    submission -> the ids of its clusters (summary.csv's column)."""
    member_of: dict[str, list[str]] = {}
    for name, entry in summary["suites"].items():
        entry["clusters"] = find(results, name)
        for cluster in entry["clusters"]:
            for submission in cluster["submissions"]:
                member_of.setdefault(submission, []).append(cluster["id"])
    return member_of


def report_rows(suite_summary: dict[str, Any], results: list[SubmissionResult]) -> list[dict[str, Any]]:
    """summary.json's clusters of one suite, each with its representative verdict's text (capped)."""
    by_name = {r.name: r for r in results}
    rows = []
    for cluster in suite_summary.get("clusters", []):
        rep = cluster["representative"]
        member = by_name.get(rep["submission"])
        text = next((item.shown for item in member.items if item.name == rep["item"]), "") if member else ""
        lines = text.splitlines()
        if len(lines) > SHOWN_LINES:  # the why: line and the first output's; results.json has the rest
            text = "\n".join(lines[:SHOWN_LINES] + [f"... ({len(lines) - SHOWN_LINES} more lines in its results.json)"])
        if len(text) > SHOWN_CHARS:
            text = text[:SHOWN_CHARS] + " ..."
        rows.append({**cluster, "shown": text})
    return rows
