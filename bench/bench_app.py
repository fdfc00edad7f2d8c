"""App benchmark: time from clicking Annotate to highlights visible in a real browser, and export times.

    python bench/bench_app.py [--runs 5]

Starts ``streamlit run streamlit_app.py`` on a free localhost port, drives headless Debian Chromium
(/usr/bin/chromium) with Playwright, pastes the ukraine_nato_partnership article and measures:

- first: the first Annotate after the page loads (engine already loaded by the page, result not cached);
- uncached: later runs on a slightly changed text (a cache miss: segment, detect, classify, render);
- cached: the same text again (st.cache_data hit: rendering only);

then the time for each export format (Document -> bytes, in-process, median of several runs). The goal for
the article is under 2 s from click to highlights. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.streamlit_server import CHROMIUM, launch_chromium, streamlit_server  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTICLE = ROOT.parent / "shared" / "corpus" / "ukraine_nato_partnership.txt"
GOAL_S = 2.0


def _click_to_highlights(page: Page, text: str) -> float:
    box = page.get_by_role("textbox", name="Article text")
    box.fill(text)
    start = time.perf_counter()
    page.get_by_role("button", name="Annotate").click()
    page.wait_for_function(
        "(n) => { const a = document.querySelector('.fa-article');"
        " return a && a.textContent.length >= n && a.querySelector('mark.fa-m'); }",
        arg=len(text.strip()) - 5,
        timeout=60_000,
    )
    return time.perf_counter() - start


def browser_times(text: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"first": [], "uncached": [], "cached": []}
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_role("textbox", name="Article text").wait_for(timeout=60_000)
        times["first"].append(_click_to_highlights(page, text))
        for i in range(runs):
            page.reload()
            page.get_by_role("textbox", name="Article text").wait_for(timeout=60_000)
            times["uncached"].append(_click_to_highlights(page, text + f"\n\nRun {i + 1}."))
        for _ in range(runs):
            page.reload()
            page.get_by_role("textbox", name="Article text").wait_for(timeout=60_000)
            times["cached"].append(_click_to_highlights(page, text))
        browser.close()
    return times


def export_times(text: str, repeats: int = 5) -> dict[str, tuple[float, int]]:
    from annotator.export import WRITERS, write
    from annotator.filters import ViewSettings, apply_view
    from annotator.ui.engine import build_engine

    engine = build_engine()
    if engine.model_status:
        print(f"  (classifier not available: {engine.model_status})")
    doc = apply_view(engine.annotator.annotate(text), ViewSettings())
    out = {}
    for fmt in WRITERS:
        write(doc, fmt)  # warm imports and caches (plotly.js is read once per process)
        samples = []
        size = 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            size = len(write(doc, fmt))
            samples.append(time.perf_counter() - t0)
        out[fmt] = (statistics.median(samples), size)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="browser runs per case (default 5)")
    args = parser.parse_args()
    if not ARTICLE.is_file():
        print(f"missing {ARTICLE}", file=sys.stderr)
        return 1
    text = ARTICLE.read_text(encoding="utf-8")
    print(f"article: {ARTICLE.name}, {len(text.split()):,} words; {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}")  # fmt: skip
    if CHROMIUM.exists():
        times = browser_times(text, args.runs)
        print("\nclick Annotate -> highlights visible (real browser, headless Chromium)")
        for case, values in times.items():
            median = statistics.median(values)
            verdict = "ok" if median < GOAL_S else "SLOWER THAN GOAL"
            print(f"  {case:9s} median {median:6.3f} s  max {max(values):6.3f} s  (n={len(values)})  {verdict}")
    else:
        print("\n/usr/bin/chromium not found: browser timing skipped (apt-get install chromium)")
    print("\nexport (Document -> bytes, median of 5)")
    for fmt, (seconds, size) in export_times(text).items():
        print(f"  {fmt:5s} {seconds * 1000:8.1f} ms  {size / 1024:9.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
