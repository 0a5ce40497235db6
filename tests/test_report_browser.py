"""The class report in a real browser: Playwright driving Debian's Chromium (never a browser
Playwright downloads), headless, the page opened from disk as a teacher would open it.

Skipped, saying why, without the ``browser`` extra (``pip install -e '.[browser]'``) or
without /usr/bin/chromium (``apt-get install chromium``); .ci/run installs both.

Set RNN_CONFORMANCE_REPORT_SCREENSHOT=docs/report.png to also save a screenshot of the
bundled class's report (the one README shows).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from report_classes import EVIL_FILE, evil_class, run_grade

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
TARGETS = Path(__file__).parent / "targets"
SCREENSHOT_ENV = "RNN_CONFORMANCE_REPORT_SCREENSHOT"

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the browser test needs Playwright: pip install -e '.[browser]'")
if not CHROMIUM.is_file():
    pytest.skip(f"the browser test needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened from a file, with everything it logged, requested or tried to show."""

    def __init__(self, browser, page_file: Path, width: int = 1280):
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.console, self.errors, self.requests, self.dialogs = [], [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(page_file.as_uri(), wait_until="load")

    def texts(self, selector: str) -> list[str]:
        return [t.strip() for t in self.page.locator(selector).all_inner_texts()]

    def assert_clean(self) -> None:
        assert [m for m in self.console if m[0] in ("error", "warning")] == []
        assert self.errors == [] and self.dialogs == []
        assert self.requests and all(u.startswith(("file:", "data:")) for u in self.requests), self.requests


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, browser) -> dict:
    """The bundled class, isolated as by default (dave times out, erin's worker exits), the
    cs231n seed (a mixed class) and a submission that cannot be imported."""
    out = tmp_path_factory.mktemp("bundled") / "out"
    subs = sorted(EXAMPLES.iterdir()) + [TARGETS / "seed003_cs231n.py", TARGETS / "syntax_error.py"]
    run_grade(subs, out, jobs=2, timeout=1.0, random_cases=2, random_seed=7, isolate=True)
    visit = Visit(browser, out / "report.html")
    yield {"out": out, "summary": json.loads((out / "summary.json").read_text()), "visit": visit}
    visit.page.close()


def test_the_page_loads_cleanly_from_disk_and_requests_nothing_else(bundled) -> None:
    visit = bundled["visit"]
    visit.assert_clean()
    images = visit.page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.src.slice(0, 26), i.naturalWidth])")
    assert len(images) == 3 * len(bundled["summary"]["suites"])
    assert all(src == "data:image/svg+xml;base64," and width > 0 for src, width in images), images
    assert visit.page.locator("script").count() == 0


def test_counts_and_scores_shown_are_the_summary_numbers(bundled) -> None:
    visit, summary = bundled["visit"], bundled["summary"]
    for key in ("expected", "finished", "graded", "errors"):
        assert visit.texts(f"#counts [data-count='{key}']") == [str(summary["submissions"][key])]
    assert summary["submissions"]["errors"] == 1  # syntax_error: the figures are over the graded ones
    assert visit.texts("section[data-suite] > h2") == ["dlai suite", "cs231n suite"]
    for name, suite in summary["suites"].items():
        section = f"section[data-suite='{name}']"
        [mean] = visit.texts(f"{section} [data-metric='mean_score']")
        assert float(mean) == pytest.approx(suite["mean_score"], abs=0.005)
        assert visit.texts(f"{section} [data-metric='graded']") == [str(suite["graded"])]
        scores = [r["score"] for r in summary["results"] if r["suite"] == name and r["status"] == "graded"]
        assert sum(int(t) for t in visit.texts(f"{section} [data-bin]")) == len(scores) == suite["graded"]
        for metric, value in (("lowest_score", min(scores)), ("highest_score", max(scores))):
            [shown] = visit.texts(f"{section} [data-metric='{metric}']")
            assert float(shown) == pytest.approx(value, abs=0.005), metric


def test_pass_rates_shown_are_the_summary_numbers(bundled) -> None:
    visit, summary = bundled["visit"], bundled["summary"]
    for name, suite in summary["suites"].items():
        section = f"section[data-suite='{name}']"
        for function, f in suite["functions"].items():
            row = f"{section} table.functions tr[data-function='{function}']"
            [rate] = visit.texts(f"{row} [data-col='pass_rate']")
            assert float(rate.rstrip("%")) == pytest.approx(100 * f["pass_rate"], abs=0.05), (name, function)
            assert visit.texts(f"{row} [data-col='full_marks']") == [f"{f['full_marks']} / {f['judged']}"]  # over those judged
        visit.page.locator(f"{section} details summary").click()  # the heatmap's numbers, as a reader opens them
        for case in suite["cases"].values():
            cell = visit.page.locator(f"{section} table.heat tr[data-function='{case['function']}'] "
                                      f"td[data-case='{case['case']}']")
            assert float(cell.inner_text().rstrip("%")) == pytest.approx(100 * case["pass_rate"], abs=0.5)
            assert cell.get_attribute("title") == f"{case['passed']} of {case['graded']} passed"
        failing = sum(c["graded"] - c["passed"] for c in suite["cases"].values())
        assert sum(int(t) for t in visit.texts(f"{section} table.reasons [data-col='items']")) == failing


def test_slow_timed_out_and_ungraded_submissions_are_listed(bundled) -> None:
    visit, summary = bundled["visit"], bundled["summary"]
    rows = summary["results"]
    slowest = sorted(rows, key=lambda r: (-r["execution_time"], r["submission"]))
    # the page prints seconds with two decimals: compare the text (0.625 is "0.62", 0.005 away)
    shown = visit.texts("table.slowest [data-col='seconds']")
    assert shown == [f"{r['execution_time']:.2f}" for r in slowest]
    assert visit.texts("table.slowest th[scope='row']") == [r["submission"] for r in slowest]
    timed_out = visit.texts("table.timed-out th[scope='row']")
    assert timed_out == [r["submission"] for r in rows if r["timed_out"]] == ["dave"]
    [dave] = visit.texts("table.timed-out td:last-child")
    dave_timed_out = next(r["timed_out"] for r in rows if r["submission"] == "dave")
    assert dave_timed_out and all(f"{fn} on {item}" in dave for fn, item in dave_timed_out.items())
    assert visit.texts("table.not-graded th[scope='row']") == ["syntax_error"]
    [why] = visit.texts("table.not-graded td.message")
    assert "SyntaxError" in why and "def softmax(x)" in why  # the whole reason, not only its first line


def test_the_page_renders_to_a_picture(bundled, tmp_path: Path) -> None:
    """The top of the page as a picture: the size asked for, and not blank (figures and tables
    drawn). With RNN_CONFORMANCE_REPORT_SCREENSHOT=docs/report.png it is also README's screenshot."""
    import matplotlib.image
    import numpy as np

    page = bundled["visit"].page
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    # the top of the page (header, dlai scores, pass rates per function), whatever was scrolled to
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 2300})
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2300, 1280)
    colours = np.unique((pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 1000, len(colours)  # measured: the report ~4,500; a text-only page ~150
    if os.environ.get(SCREENSHOT_ENV):
        (ROOT / os.environ[SCREENSHOT_ENV]).write_bytes(shot.read_bytes())


def test_markup_from_submissions_shows_as_text(tmp_path: Path, browser) -> None:
    out = tmp_path / "out"
    run_grade(evil_class(tmp_path / "evil"), out, jobs=1)
    visit = Visit(browser, out / "report.html")
    try:
        visit.assert_clean()
        for element in ("script", "iframe", "b", "img:not([src^='data:'])"):
            assert visit.page.locator(element).count() == 0, element
        text = visit.page.inner_text("body")
        assert EVIL_FILE in text  # the file name, shown as the student wrote it
        assert "<script>alert(#)</script><b>bold</b>" in text  # a failure reason (numbers masked)
        assert re.search(r"RuntimeError: <iframe srcdoc='<script>alert\(3\)</script>'></iframe>", text)
    finally:
        visit.page.close()


BROKEN_WORDS = """cells => cells.flatMap(cell => {
  const broken = [], walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
})"""


def test_the_page_reads_on_a_phone(bundled, browser) -> None:
    """390 px wide (a phone): the page never scrolls sideways (a wide table scrolls inside
    itself), and no word of a failure reason is broken across lines."""
    phone = Visit(browser, bundled["out"] / "report.html", width=390)
    try:
        phone.assert_clean()
        assert phone.page.evaluate("document.scrollingElement.scrollWidth") <= 390
        reasons = phone.page.locator("td.reason")
        assert reasons.count() > 5
        assert phone.page.eval_on_selector_all("td.reason", BROKEN_WORDS) == []
    finally:
        phone.page.close()
