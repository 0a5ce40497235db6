"""``check()``'s result as HTML for Jupyter and Colab (``_repr_html_``).

No script. Readable in light and dark themes: text and borders take the notebook's own colour
(``inherit``, ``currentColor``), backgrounds stay transparent; only the pass/fail marks are
coloured, in mid tones legible on white and on black. A passing function is one line; a failing
one shows, for its first failing item, the ``why:`` line with the catalogue id first, the
smallest failing case (folded: code to paste), the difference that shows it, and the rerun; everything else is folded in ``<details>``.
Every piece of text is escaped: a target's exception message is the student's (or an
attacker's) text, never markup.
"""

from __future__ import annotations

from html import escape
from typing import Any

from conformance.judging.verdict import Verdict

# check_result.CheckResult and FunctionResult, which import this module to render themselves
CheckResult = FunctionResult = Any

BOX = ("font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 0.95em; line-height: 1.45; "
       "color: inherit; background: transparent; border: 1px solid currentColor; border-radius: 6px; "
       "padding: 0.5em 0.8em; margin: 0.3em 0")
PRE = "font-family: ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; margin: 0.2em 0 0.2em 1.2em; padding: 0; background: transparent; color: inherit"
BADGE = ("display: inline-block; border: 1px solid currentColor; border-radius: 4px; padding: 0 0.35em; "
         "font-family: monospace; font-size: 0.9em")
GOOD, BAD, WARN = "#2da44e", "#e5534b", "#c69026"  # legible on white and on near-black
DIFFERENCE_LINES = 2  # of a finding: its headline and where the worst element is


def _mark(ok: bool, warned: bool = False) -> str:
    colour = (WARN if warned else GOOD) if ok else BAD
    return f'<span style="color: {colour}; font-weight: bold">{"✔" if ok else "✘"}</span>'


def _points(f: FunctionResult) -> str:
    return f"{f.earned:.3g} / {f.points:g} {'point' if f.points == 1 else 'points'}"


def _why(verdict: Verdict) -> str:
    """The catalogue id first, then its hint: what a student reads first."""
    return "".join(f'<div>why: <span style="{BADGE}">{escape(m.id)}</span> {escape(m.hint)}</div>'
                   for m in verdict.misconceptions)


def _difference(verdict: Verdict) -> str:
    """The smallest text that shows what is wrong: each finding's first lines (the output and how
    many elements differ, where the worst one is, got and expected), else the note's first lines."""
    if verdict.findings:
        lines = [line for f in verdict.findings[:3] if f.kind != "warning"
                 for line in f.line().splitlines()[:DIFFERENCE_LINES]]
        more = len(verdict.findings) - 3
        lines += [f"... and {more} more (full report below)"] if more > 0 else []
    else:
        lines = verdict.note.splitlines()[:4]
    return f'<pre style="{PRE}">{escape(chr(10).join(lines))}</pre>' if lines else ""


def _smallest(verdict: Verdict) -> str:
    """The smallest failing case, folded: its first line says the dims; the rest pastes into a cell."""
    if verdict.smallest is None:
        return ""
    head, *code = verdict.smallest.lines()
    return (f'<details style="margin-left: 1.2em"><summary>{escape(head)}</summary>'
            f'<pre style="{PRE}">{escape(chr(10).join(line[4:] if line.startswith("    ") else line for line in code))}'
            f'</pre></details>')


def _item(name: str, verdict: Verdict) -> str:
    rerun = f'<div>rerun just this: <code>{escape(verdict.repro)}</code></div>' if verdict.repro else ""
    label = verdict.outcome if verdict.outcome != "fail" else "failed"
    return (f'<div style="margin: 0.3em 0 0.3em 1.2em"><div><code>{escape(name)}</code> {escape(label)}</div>'
            f'{_why(verdict)}{_smallest(verdict)}{_difference(verdict)}{rerun}</div>')


def _function(suite: str, f: FunctionResult) -> str:
    failing = f.failing
    warned = any(v.warnings for v in f.verdicts.values())
    if not failing:
        note = ", with a warning: " + escape("; ".join(next(v.warnings for v in f.verdicts.values() if v.warnings))) \
            if warned else ""
        return (f"<div>{_mark(True, warned)} <code>{escape(f.name)}</code> conforms "
                f"({len(f.items)} of {len(f.items)} items, {_points(f)}){note}</div>")
    passed = sum(item.outcome in ("pass", "skip") for item in f.items)
    why = f" — why: {escape(', '.join(f.misconceptions))}" if f.misconceptions else ""
    said = {"fail": "fails", "error": "raises or hangs", "missing": "is missing"}.get(f.status, f.status)
    head = (f"<div>{_mark(False)} <code>{escape(f.name)}</code> {escape(said)}: {passed} of {len(f.items)} "
            f"items pass, {_points(f)}{why}</div>")
    first_item, first_verdict = failing[0]
    rest = "".join(_item(item.name, verdict) for item, verdict in failing[1:])
    full = "".join(f'<div style="margin-left: 1.2em"><code>[{escape(suite)} {escape(item.name)}]</code>'
                   f'<pre style="{PRE}">{escape(verdict.message or item.outcome)}</pre></div>'
                   for item, verdict in failing)
    more = f"{len(failing) - 1} more failing item{'s' if len(failing) != 2 else ''}, and " if len(failing) > 1 else ""
    return (f"{head}{_item(first_item.name, first_verdict)}"
            f'<details style="margin-left: 1.2em"><summary>{more}the full report</summary>{rest}{full}</details>')


def render_html(result: CheckResult) -> str:
    """The whole result as one self-contained HTML fragment."""
    if result.error:
        return f'<div style="{BOX}">{_mark(False)} {escape(result.error)}</div>'
    head = f"<div><b>{escape(result.headline)}</b></div>"
    notes = "".join(f"<div>note: {escape(note)}</div>" for note in result.notes)
    body = "".join(_function(result.suite, f) for f in result.functions.values())
    reason = f'<details><summary>suite</summary><div>{escape(result.suite)}: {escape(result.reason)}</div></details>'
    return f'<div style="{BOX}">{head}{notes}{body}{reason}</div>'
