"""A small SVG writer for the class report's charts: rectangles, lines, escaped text, one
gradient, and round axis ticks.

Our own rather than a plotting library's: the charts are bars and a grid of cells, and
matplotlib cost ~0.6 s to import and ~0.3 s per figure at the end of every grading run
(benchmarks/class_report_bench.py). The output is plain SVG 1.1 that browsers, editors and
slide software read; it holds no script and refers to nothing outside itself.
"""

from __future__ import annotations

import html
import math
from typing import Any

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
# An average glyph width in em that sans-serif fonts stay under (DejaVu Sans, the widest
# common one, averages ~0.55 on identifiers): margins sized from it never clip a label.
CHAR_EM = 0.6


def text_width(text: str, size: float) -> float:
    """An upper estimate of the width in pixels of ``text`` at font size ``size``."""
    return len(text) * size * CHAR_EM


def _n(value: float) -> str:
    """A coordinate, short and the same on every machine: one decimal, no trailing zero."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def ticks(high: float, integer: bool = False, most: int = 6) -> list[float]:
    """Round values from 0 up to ``high``: steps of 1, 2, 2.5 or 5 times a power of ten, at
    most ``most`` steps; whole steps when ``integer`` (counts)."""
    if high <= 0:
        return [0.0]
    raw = max(high / most, 1.0) if integer else high / most
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10)
                if m * magnitude >= raw * (1 - 1e-9) and not (integer and m == 2.5 and magnitude == 1))
    return [k * step for k in range(int(math.floor(high / step + 1e-9)) + 1)]


class Drawing:
    """One SVG document of ``width`` x ``height`` pixels on a white background; ``title`` is
    its accessible name (and what a viewer shows as the file's title)."""

    def __init__(self, width: float, height: float, title: str):
        self.width, self.height = math.ceil(width), math.ceil(height)
        self._defs: list[str] = []
        self._parts = [f'<title>{_e(title)}</title>',
                       f'<rect width="{self.width}" height="{self.height}" fill="#fff"/>']

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None) -> None:
        edge = f' stroke="{stroke}"' if stroke else ""
        self._parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{edge}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#000", width: float = 1,
             dash: str | None = None) -> None:
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        self._parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
                           f'stroke-width="{_n(width)}"{pattern}/>')

    def text(self, x: float, y: float, text: str, size: float = 12, anchor: str = "start",
             rotate: float = 0, bold: bool = False) -> None:
        """``text`` centred vertically on y (``dy``, which every SVG reader knows, unlike
        dominant-baseline); rotated by ``rotate`` degrees about (x, y)."""
        place = (f'transform="translate({_n(x)},{_n(y)}) rotate({_n(rotate)})"' if rotate
                 else f'x="{_n(x)}" y="{_n(y)}"')
        weight = ' font-weight="600"' if bold else ""
        self._parts.append(f'<text {place} dy="0.35em" font-size="{_n(size)}" text-anchor="{anchor}"{weight}>'
                           f'{_e(text)}</text>')

    def vertical_gradient(self, ident: str, colours: list[str]) -> str:
        """A gradient from colours[0] at the bottom to colours[-1] at the top; returns its fill."""
        stops = "".join(f'<stop offset="{_n(100 * k / (len(colours) - 1))}%" stop-color="{c}"/>'
                        for k, c in enumerate(colours))
        self._defs.append(f'<linearGradient id="{_e(ident)}" x1="0" y1="1" x2="0" y2="0">{stops}</linearGradient>')
        return f"url(#{_e(ident)})"

    def svg(self) -> bytes:
        """The document as UTF-8 bytes: the same drawing gives the same bytes."""
        defs = f"<defs>{''.join(self._defs)}</defs>" if self._defs else ""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}" role="img" font-family="{_e(FONT)}" fill="#1d2430">'
                + defs + "".join(self._parts) + "</svg>\n").encode("utf-8")
