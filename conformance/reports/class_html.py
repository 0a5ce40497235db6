"""The class report as one self-contained HTML page (see ``conformance.reports.class_report``).

Every value goes through ``_e`` (``html.escape``, quotes included) on its way into the
page: submission names, file names and messages are the students', and a file called
``<img src=x onerror=...>.py`` must show as text. The page holds no script; its
Content-Security-Policy forbids every request but ``data:`` images, so even a missed escape
could neither run code nor reach the network.
"""

from __future__ import annotations

import base64
import html
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conformance.reports.class_figures import heat_colour

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430;
       margin: 0 auto; max-width: 1180px; padding: 1.5rem 2rem 4rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; } h2 { margin-top: 2.6rem; border-bottom: 2px solid #d8dee8; }
h3 { margin: 1.8rem 0 .5rem; font-size: 1.1rem; } nav a { margin-right: 1rem; }
.lead { color: #4b5565; margin: 0 0 1rem; } .note { color: #4b5565; font-size: .9rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
/* a table wider than the screen (a phone's 390 px) scrolls inside itself, never the page */
table { display: block; max-width: 100%; overflow-x: auto; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; color: #4b5565; }
th, td { border: 1px solid #d8dee8; padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f3f5f9; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.metrics td { font-size: 1.05rem; } .heat td { text-align: center; min-width: 2.6rem; font-size: .8rem; }
.heat td.none { background: #f7f7f7; color: #999; } .heat th { font-size: .8rem; white-space: nowrap; }
.row { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.row figure { flex: 0 1 560px; } .scroll { overflow-x: auto; max-width: 100%; }
details summary { cursor: pointer; color: #2a5db0; margin: .3rem 0; }
figure { margin: .6rem 0 1rem; } figure img { max-width: 100%; height: auto; border: 1px solid #eef1f5; }
figcaption { font-size: .85rem; color: #4b5565; } .reason { min-width: 13rem; max-width: 46rem; }
.message { max-width: 52rem; overflow-wrap: anywhere; white-space: pre-wrap; font-family: ui-monospace, monospace;
           font-size: .82rem; }
@media (max-width: 600px) { body { padding: 1rem .8rem 3rem; } nav a { display: inline-block; } }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _pct(rate: float | None, digits: int = 1) -> str:
    return "–" if rate is None else f"{100 * rate:.{digits}f}%"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _heat(rate: float) -> str:
    """A cell colour on the heatmap figure's scale (red 0% .. yellow .. green 100%)."""
    return f"background: {heat_colour(rate)}"


def _figure(path: str, svg: bytes, alt: str) -> str:
    # An <img>, not inline <svg>: an image's SVG runs no script and loads nothing, keeps its
    # alt text, and is the same bytes as the file beside the page.
    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{_e(alt)}">'
            f'<figcaption>Also saved as <a href="{_e(path)}">{_e(path)}</a>; the table has the same numbers.'
            f'</figcaption></figure>')


def _scores(suite: dict[str, Any], svg: bytes) -> str:
    metrics = (("graded", "graded submissions", str(suite["graded"])),
               ("mean_score", "mean score", _score(suite["mean_score"])),
               ("median_score", "median", _score(suite["median_score"])),
               ("lowest_score", "lowest", _score(suite["lowest_score"])),
               ("highest_score", "highest", _score(suite["highest_score"])),
               ("max_score", "points possible", f"{suite['max_score']:g}"))
    head = "".join(f"<th scope='col'>{_e(label)}</th>" for _, label, _ in metrics)
    cells = "".join(f"<td class='num' data-metric='{key}'>{_e(value)}</td>" for key, _, value in metrics)
    bins = "".join(f"<tr><td class='num'>{b['low']:.4g}–{b['high']:.4g}</td><td class='num' data-bin='{k}'>"
                   f"{b['count']}</td></tr>" for k, b in enumerate(suite["bins"]))
    return (f"<h3>Scores</h3><table class='metrics'><tr>{head}</tr><tr>{cells}</tr></table><div class='row'>"
            + _figure(suite["figures"]["score_distribution"], svg, f"Histogram of the {suite['name']} scores")
            + f"<table class='bins'><caption>Submissions per score range</caption><tr><th scope='col'>score</th>"
              f"<th scope='col' class='num'>submissions</th></tr>{bins}</table></div>")


def _functions(suite: dict[str, Any], svg: bytes) -> str:
    rows = []
    for name in suite["function_names"]:
        f = suite["functions"][name]
        rows.append(f"<tr data-function='{_e(name)}'><th scope='row'>{_e(name)}</th>"
                    f"<td class='num'>{f['points']:g}</td>"
                    f"<td class='num' data-col='full_marks'>{f['full_marks']} / {f['judged']}</td>"
                    f"<td class='num' data-col='pass_rate'>{_pct(f['pass_rate'])}</td>"
                    f"<td class='num' data-col='mean_earned'>{f['mean_earned']:.2f}</td></tr>")
    return ("<h3>Pass rate per function</h3><div class='row'>"
            + _figure(suite["figures"]["function_pass_rates"], svg, f"Bar chart of {suite['name']} pass rates")
            + "<table class='functions'><tr><th scope='col'>function</th><th scope='col' class='num'>points</th>"
              "<th scope='col' class='num'>full marks</th><th scope='col' class='num'>pass rate</th>"
              "<th scope='col' class='num'>mean points</th></tr>" + "".join(rows) + "</table></div>")


def _cases(suite: dict[str, Any], svg: bytes) -> str:
    head = "".join(f"<th scope='col'>{_e(c)}</th>" for c in suite["case_columns"])
    rows = []
    for name in suite["function_names"]:
        cells = []
        for case in suite["case_columns"]:
            c = suite["cases"].get((name, case))
            if c is None or c["pass_rate"] is None:
                cells.append("<td class='none'>·</td>")
            else:
                cells.append(f"<td data-case='{_e(case)}' style='{_heat(c['pass_rate'])}' "
                             f"title='{c['passed']} of {c['graded']} passed'>{_pct(c['pass_rate'], 0)}</td>")
        rows.append(f"<tr data-function='{_e(name)}'><th scope='row'>{_e(name)}</th>{''.join(cells)}</tr>")
    return ("<h3>Pass rate per item (function × case)</h3>"
            + _figure(suite["figures"]["case_pass_rates"], svg, f"Heatmap of {suite['name']} pass rates per item")
            + "<p class='note'>hidden_<i>k</i>: the hidden random cases; gradcheck: the gradient check of the "
              "submission's own forward and backward; · : no such case for that function.</p>"
            + "<details><summary>The same numbers as a table</summary><div class='scroll'>"
              f"<table class='heat'><tr><th scope='col'>function</th>{head}</tr>{''.join(rows)}</table></div></details>")


def _reasons(suite: dict[str, Any]) -> str:
    rows = [f"<tr><td class='reason'>{_e(r['reason'])}</td><td class='num' data-col='items'>{r['items']}</td>"
            f"<td class='num' data-col='submissions'>{len(r['submissions'])}</td>"
            f"<td>{_e(', '.join(r['functions']))}</td></tr>" for r in suite["reasons"]]
    other = suite["other_reasons"]
    if other["groups"]:
        rows.append(f"<tr><td class='reason'><i>{_n(other['groups'], 'other reason')}</i></td><td class='num' "
                    f"data-col='items'>{other['items']}</td><td class='num' data-col='submissions'>"
                    f"{len(other['submissions'])}</td><td></td></tr>")
    if not rows:
        return "<h3>Most common failure reasons</h3><p>Every graded item passed.</p>"
    return ("<h3>Most common failure reasons</h3>"
            f"<p class='note'>{_n(suite['failing_items'], 'failing item')} in {_n(suite['graded'], 'graded submission')}, "
            "grouped by the known mistakes recognised in them (catalogue ids) or else by the first line of the "
            "verdict with numbers shown as #. Hidden cases show only their redacted text.</p>"
            "<table class='reasons'><tr><th scope='col'>reason</th><th scope='col' class='num'>failing items</th>"
            "<th scope='col' class='num'>submissions</th><th scope='col'>functions</th></tr>"
            + "".join(rows) + "</table>")


def _misconceptions(suite: dict[str, Any]) -> str:
    """Known mistakes (the catalogue's ids) and how many graded submissions show each, per function."""
    found = suite["misconceptions"]
    if not found:
        return "<h3>Known mistakes</h3><p>No known mistake was recognised.</p>"
    rows = [f"<tr><td><code>{_e(mistake)}</code></td><td>{_e(entry['title'])}</td>"
            f"<td class='num' data-col='submissions'>{entry['submissions']}</td>"
            f"<td>{_e(', '.join(f'{fn} ({n})' for fn, n in sorted(entry['functions'].items())))}</td></tr>"
            for mistake, entry in found.items()]
    return ("<h3>Known mistakes</h3><p class='note'>Recognised by evidence (the oracle with the mistake switched "
            "on reproduces the submission's outputs, or a finding proves it); a submission counts once per "
            "mistake.</p><table class='misconceptions'><tr><th scope='col'>id</th><th scope='col'>mistake</th>"
            "<th scope='col' class='num'>submissions</th><th scope='col'>functions (submissions)</th></tr>"
            + "".join(rows) + "</table>")


def _clusters(suite: dict[str, Any]) -> str:
    """Submissions whose wrong outputs are bit-identical (conformance.reports.clusters): one row each."""
    if not suite["clusters"]:
        return ("<h3>Shared wrong outputs</h3><p>No two graded submissions return the same wrong outputs "
                "for a function.</p>")
    rows = [f"<tr data-cluster='{_e(c['id'])}'><td class='num' data-col='size'>{len(c['submissions'])}</td>"
            f"<td><code>{_e(c['function'])}</code></td>"
            f"<td>{_e(', '.join(c['misconceptions']) or '–')}</td>"
            f"<td data-col='same_code'>{'yes' if c['same_code'] else 'no'}</td>"
            f"<td class='reason'>{_e(c['statement'])}<details><summary>one member's verdict "
            f"({_e(c['representative']['submission'])}, {_e(c['representative']['item'])})</summary>"
            f"<div class='message'>{_e(c['shown'])}</div></details></td>"
            f"<td data-col='members'>{_e(', '.join(c['submissions']))}</td></tr>" for c in suite["clusters"]]
    return ("<h3>Shared wrong outputs</h3><p class='note'>Submissions whose wrong outputs of a function are "
            "identical to the last bit on every item where they are wrong (and that end the same way on the "
            "others). Same code: the functions are also the same code after normalisation, as the reference "
            "check compares it (comments, docstrings and formatting ignored; names not). "
            "These are facts to look at, not a verdict on anyone.</p>"
            "<table class='clusters'><tr><th scope='col' class='num'>size</th><th scope='col'>function</th>"
            "<th scope='col'>ids</th><th scope='col'>same code</th><th scope='col'>what they share</th>"
            "<th scope='col'>members</th></tr>" + "".join(rows) + "</table>")


def _suite(suite: dict[str, Any], figures: dict[str, bytes]) -> str:
    svg = {fig: figures[path] for fig, path in suite["figures"].items()}
    parts = [_scores(suite, svg["score_distribution"]), _functions(suite, svg["function_pass_rates"]),
             _cases(suite, svg["case_pass_rates"]), _misconceptions(suite), _clusters(suite), _reasons(suite)]
    return (f"<section id='suite-{_e(suite['name'])}' data-suite='{_e(suite['name'])}'>"
            f"<h2>{_e(suite['name'])} suite</h2>" + "".join(parts) + "</section>")


def _file(path: str | None) -> str:
    return f"<span title='{_e(path)}'>{_e(Path(path).name)}</span>" if path else "–"


def _submissions(data: dict[str, Any]) -> str:
    slow = "".join(f"<tr><th scope='row'>{_e(r['submission'])}</th><td>{_file(r['file'])}</td>"
                   f"<td>{_e(r['suite'] or '–')}</td><td>{_e(r['status'])}</td>"
                   f"<td class='num' data-col='seconds'>{r['execution_time']:.2f}</td></tr>" for r in data["slowest"])
    parts = ["<section id='submissions'><h2>Submissions to look at</h2>",
             "<h3>Slowest</h3><table class='slowest'><tr><th scope='col'>submission</th><th scope='col'>file</th>"
             "<th scope='col'>suite</th><th scope='col'>status</th><th scope='col' class='num'>seconds</th></tr>"
             + slow + "</table>"]
    parts.append("<h3>A call timed out</h3>")
    if data["timed_out"]:
        rows = "".join(
            f"<tr><th scope='row'>{_e(r['submission'])}</th><td>{_e(r['suite'] or '–')}</td><td>"
            + "<br>".join(f"<code>{_e(fn)}</code> on {_e(item)}" for fn, item in r["timed_out"].items())
            + "</td></tr>" for r in data["timed_out"])
        parts.append("<p class='note'>Items calling a function that timed out were not run again.</p>"
                     "<table class='timed-out'><tr><th scope='col'>submission</th><th scope='col'>suite</th>"
                     f"<th scope='col'>function, first timed out on</th></tr>{rows}</table>")
    else:
        parts.append("<p>No call timed out.</p>")
    parts.append("<h3>Not graded</h3>")
    if data["not_graded"]:
        rows = "".join(f"<tr><th scope='row'>{_e(r['submission'])}</th><td>{_file(r['file'])}</td>"
                       f"<td class='message'>{_e(r['message'])}</td></tr>" for r in data["not_graded"])
        parts.append("<table class='not-graded'>"
                     "<tr><th scope='col'>submission</th><th scope='col'>file</th><th scope='col'>why</th></tr>"
                     f"{rows}</table>")
    else:
        parts.append("<p>Every submission was graded.</p>")
    return "".join(parts) + "</section>"


def render(data: dict[str, Any], figures: dict[str, bytes]) -> str:
    """The page, from class_report.report_data and the figures' SVG bytes keyed by their path under --out."""
    n = data["submissions"]
    nav = "".join(f"<a href='#suite-{_e(s['name'])}'>{_e(s['name'])}</a>" for s in data["suites"])
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = (f"<header><h1>Class report</h1><p class='lead' id='counts'>"
            f"<span data-count='finished'>{n['finished']}</span> submissions "
            f"(of <span data-count='expected'>{n['expected']}</span>): "
            f"<span data-count='graded'>{n['graded']}</span> graded, "
            f"<span data-count='errors'>{n['errors']}</span> not graded. Pass rates are over graded "
            f"submissions where the function was judged (not supplied by the grader); a function's pass rate "
            f"counts full marks. Written by rnn-conformance grade, {stamp}, "
            f"from the same data as summary.json.</p><nav>{nav}<a href='#submissions'>submissions</a></nav></header>")
    body = "".join(_suite(s, figures) for s in data["suites"]) + _submissions(data)
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>rnn-conformance: class report</title><style>{_CSS}</style></head>"
            f"<body>{head}<main>{body}</main></body></html>\n")
