"""The class report's figures as SVG documents (bytes), drawn with ``conformance.reports.svg``.

Each figure draws numbers the report also prints as a table, from the same dict, and prints
them on the figure too (the bar's percentage, the cell's pass rate), so a reader never has to
read a value off an axis. Margins are computed from the labels' lengths, so a long function
name or case id is never cut.
"""

from __future__ import annotations

from typing import Any, Callable

from conformance.reports.svg import Drawing, text_width, ticks

_BAR = "#4a78b5"
_PASS = "#2e7d32"
_MEAN = "#c62828"
_AXIS = "#5b6472"
_EMPTY = "#f7f7f7"  # a function without that case, as in the HTML table
_TITLE, _LABEL, _TICK, _CELL = 15, 13, 12, 11  # font sizes, px
_PAD = 8


def heat_colour(rate: float) -> str:
    """A pass rate's colour on a red (0%) .. yellow .. green (100%) scale: the heatmap's cells
    and the HTML table's (conformance.reports.class_html) use this one scale."""
    return f"hsl({120 * rate:.0f}, 70%, 70%)"


def _x_axis(d: Drawing, left: float, right: float, bottom: float, high: float, label: str,
            values: list[float] | None = None) -> None:
    """A horizontal axis from 0 (at left) to high (at right), its ticks and its label below."""
    d.line(left, bottom, right, bottom, _AXIS)
    for v in ticks(high) if values is None else values:
        x = left + (right - left) * v / high
        d.line(x, bottom, x, bottom + 4, _AXIS)
        d.text(x, bottom + 14, f"{v:g}", _TICK, "middle")
    d.text((left + right) / 2, bottom + 34, label, _LABEL, "middle")


def score_distribution(suite: dict[str, Any]) -> bytes:
    """Histogram of the graded scores, from the report's own bins; the mean as a dashed line."""
    top_count = max([b["count"] for b in suite["bins"]] + [1])
    y_ticks = ticks(top_count, integer=True)
    y_high = max(y_ticks[-1], top_count * 1.06)  # a little air above the highest bar
    y_width = text_width(f"{y_ticks[-1]:g}", _TICK)
    width, height = 704, 352
    left, right, top, bottom = _PAD + _LABEL + 10 + y_width + 10, width - 16, 58, height - 52
    high = suite["max_score"] or 1
    d = Drawing(width, height, f"{suite['name']}: score distribution ({suite['graded']} graded)")
    d.text(width / 2, 20, f"{suite['name']}: score distribution ({suite['graded']} graded)", _TITLE, "middle")

    def y_at(count: float) -> float:
        return bottom - (bottom - top) * count / y_high

    def x_at(score: float) -> float:
        return left + (right - left) * min(max(score, 0.0), high) / high

    for b in suite["bins"]:
        if b["count"]:
            d.rect(x_at(b["low"]), y_at(b["count"]), x_at(b["high"]) - x_at(b["low"]), y_at(0) - y_at(b["count"]),
                   _BAR, stroke="#fff")
    for v in y_ticks:
        d.line(left - 4, y_at(v), left, y_at(v), _AXIS)
        d.text(left - 7, y_at(v), f"{v:g}", _TICK, "end")
    d.line(left, top, left, bottom, _AXIS)
    d.text(_PAD + _LABEL / 2, (top + bottom) / 2, "submissions", _LABEL, "middle", rotate=-90)
    _x_axis(d, left, right, bottom, high, f"score (of {suite['max_score']:g} points)")
    mean = suite["mean_score"]
    if mean is not None:
        d.line(x_at(mean), top, x_at(mean), bottom, _MEAN, 1.5, dash="6 4")
        legend = f"mean {mean:.2f}"  # above the plot: never over a bar
        d.line(right - text_width(legend, _LABEL) - 34, 40, right - text_width(legend, _LABEL) - 8, 40, _MEAN, 1.5,
               dash="6 4")
        d.text(right - text_width(legend, _LABEL) - 2, 40, legend, _LABEL)
    return d.svg()


def function_pass_rates(suite: dict[str, Any]) -> bytes:
    """One bar per function: the share of graded submissions with full marks on it."""
    names = suite["function_names"]
    rates = [100 * (suite["functions"][f]["pass_rate"] or 0.0) for f in names]
    row = 32
    width = 704
    left = _PAD + max([text_width(n, _TICK) for n in names] + [0]) + 10
    right = width - text_width("100%", _CELL) - 14  # room for a full bar's label
    top = 40
    bottom = top + row * len(names) + 6
    d = Drawing(width, bottom + 52, f"{suite['name']}: pass rate per function")
    d.text(width / 2, 20, f"{suite['name']}: pass rate per function", _TITLE, "middle")
    for k, (name, rate) in enumerate(zip(names, rates)):  # the table's order, top to bottom
        y = top + 3 + row * k
        d.rect(left, y + row * 0.1, (right - left) * rate / 100, row * 0.8, _PASS)
        d.text(left + (right - left) * rate / 100 + 4, y + row / 2, f"{rate:.0f}%", _CELL)
        d.text(left - 7, y + row / 2, name, _TICK, "end")
    d.line(left, top, left, bottom, _AXIS)
    _x_axis(d, left, right, bottom, 100, "submissions with full marks (%)", [0, 20, 40, 60, 80, 100])
    return d.svg()


def case_pass_rates(suite: dict[str, Any]) -> bytes:
    """Heatmap, function x case: the share of graded submissions passing each item, printed
    in its cell; blank where a function has no such case. A colour scale at the right."""
    rows, columns = suite["function_names"], suite["case_columns"]
    cell_w, cell_h, tilt = 44, 26, 0.7071  # column labels at 45 degrees
    label_w = max([text_width(c, _TICK) for c in columns] + [0])
    left = max(_PAD + max([text_width(r, _TICK) for r in rows] + [0]) + 10, _PAD + label_w * tilt - cell_w / 2)
    top = 40
    right = left + cell_w * len(columns)
    bottom = top + cell_h * len(rows)
    width = right + 16 + 14 + 10 + text_width("100", _TICK) + _PAD
    height = bottom + 10 + (label_w + _TICK) * tilt + _PAD
    d = Drawing(width, height, f"{suite['name']}: pass rate per item (%)")
    d.text((left + right) / 2, 20, f"{suite['name']}: pass rate per item (%)", _TITLE, "middle")
    for i, function in enumerate(rows):
        y = top + cell_h * i
        d.text(left - 7, y + cell_h / 2, function, _TICK, "end")
        for j, case in enumerate(columns):
            cell = suite["cases"].get((function, case))
            rate = None if cell is None else cell["pass_rate"]
            d.rect(left + cell_w * j, y, cell_w, cell_h, _EMPTY if rate is None else heat_colour(rate), stroke="#fff")
            if rate is not None:
                d.text(left + cell_w * (j + 0.5), y + cell_h / 2, f"{100 * rate:.0f}", _CELL, "middle")
    for j, case in enumerate(columns):
        d.text(left + cell_w * (j + 0.5) + 4, bottom + 8, case, _TICK, "end", rotate=-45)
    scale_x = right + 16
    fill = d.vertical_gradient("scale", [heat_colour(k / 10) for k in range(11)])
    d.rect(scale_x, top, 14, bottom - top, fill)
    for v in (0, 20, 40, 60, 80, 100):
        y = bottom - (bottom - top) * v / 100
        d.line(scale_x + 14, y, scale_x + 18, y, _AXIS)
        d.text(scale_x + 21, y, f"{v}", _TICK)
    return d.svg()


_DRAW: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "score_distribution": score_distribution,
    "function_pass_rates": function_pass_rates,
    "case_pass_rates": case_pass_rates,
}


def draw(figure: str, suite: dict[str, Any]) -> bytes:
    """The SVG bytes of one of class_report.FIGURE_NAMES for one suite's report data."""
    return _DRAW[figure](suite)
