"""The class report's figures as PNG bytes, drawn with matplotlib.

Only ``conformance.class_report.write_report`` imports this module, at the end of a run.
It uses matplotlib's object API on an Agg canvas, never pyplot: no global backend switch,
no figure registry, nothing left behind in a caller's process (a notebook, a test run).
Each figure draws numbers the report also prints as a table, from the same dict.
"""

from __future__ import annotations

import io
from typing import Any, Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

_DPI = 110
_PASS = "#2e7d32"
_CMAP = "RdYlGn"  # red (nobody passes) .. green (everybody passes); the HTML table uses the same scale


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    # No timestamp or version in the file: the same data draws the same bytes on one install.
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def score_distribution(suite: dict[str, Any]) -> bytes:
    """Histogram of the graded scores, from the report's own bins; the mean as a line."""
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = fig.add_subplot()
    bins = suite["bins"]
    lows = [b["low"] for b in bins]
    widths = [b["high"] - b["low"] for b in bins]
    ax.bar(lows, [b["count"] for b in bins], width=widths, align="edge", color="#4a78b5", edgecolor="white")
    ax.axvline(suite["mean_score"], color="#c62828", linestyle="--", label=f"mean {suite['mean_score']:.2f}")
    ax.set_xlim(0, suite["max_score"] or 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(f"score (of {suite['max_score']:g} points)")
    ax.set_ylabel("submissions")
    ax.set_title(f"{suite['name']}: score distribution ({suite['graded']} graded)")
    ax.legend(loc="upper left", frameon=False)
    return _png(fig)


def function_pass_rates(suite: dict[str, Any]) -> bytes:
    """One bar per function: the share of graded submissions with full marks on it."""
    names = suite["function_names"]
    rates = [100 * (suite["functions"][f]["pass_rate"] or 0.0) for f in names]
    fig = Figure(figsize=(6.4, 0.8 + 0.32 * len(names)), layout="constrained")
    ax = fig.add_subplot()
    ys = np.arange(len(names))
    ax.barh(ys, rates, color=_PASS)
    for y, rate in zip(ys, rates):
        ax.text(min(rate + 1, 88), y, f"{rate:.0f}%", va="center", fontsize=8)
    ax.set_yticks(ys, labels=names, fontsize=8)
    ax.invert_yaxis()  # the table's order, top to bottom
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions with full marks (%)")
    ax.set_title(f"{suite['name']}: pass rate per function")
    return _png(fig)


def case_pass_rates(suite: dict[str, Any]) -> bytes:
    """Heatmap, function x case: the share of graded submissions passing each item; blank
    where a function has no such case."""
    rows, columns = suite["function_names"], suite["case_columns"]
    values = np.full((len(rows), len(columns)), np.nan)
    for i, function in enumerate(rows):
        for j, case in enumerate(columns):
            cell = suite["cases"].get((function, case))
            if cell is not None and cell["pass_rate"] is not None:
                values[i, j] = cell["pass_rate"]
    fig = Figure(figsize=(2.2 + 0.52 * len(columns), 1.4 + 0.34 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(values), cmap=_CMAP, vmin=0.0, vmax=1.0, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(columns)):
            if not np.isnan(values[i, j]):
                ax.text(j, i, f"{100 * values[i, j]:.0f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(columns)), labels=columns, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    ax.set_title(f"{suite['name']}: pass rate per item (%)")
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
    return _png(fig)


_DRAW: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "score_distribution": score_distribution,
    "function_pass_rates": function_pass_rates,
    "case_pass_rates": case_pass_rates,
}


def draw(figure: str, suite: dict[str, Any]) -> bytes:
    """The PNG bytes of one of class_report.FIGURE_NAMES for one suite's report data."""
    return _DRAW[figure](suite)
