"""Regenerate the README's screenshots (docs/screenshot.png and docs/compare.png) in a real browser.

Run it on purpose when the app's look changes: ``python scripts/screenshots.py`` (or ``make screenshots``).
The test suite renders the same views into a temporary folder and never touches docs/. Needs Debian's
Chromium (/usr/bin/chromium); the Annotate screenshot uses the Ukraine/NATO article from ../shared/corpus
when it is there, else the bundled sample.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.streamlit_server import (  # noqa: E402 - after the path set-up
    CHROMIUM,
    annotate_in_page,
    launch_chromium,
    screenshot_annotate,
    screenshot_compare,
    streamlit_server,
)

CORPUS_ARTICLE = ROOT.parent / "shared" / "corpus" / "ukraine_nato_partnership.txt"
SAMPLE_ARTICLE = ROOT / "samples" / "separatist_referendum.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNG files (default: docs/)")
    parser.add_argument("--article", type=Path, help="article for the Annotate screenshot (default: the Ukraine/NATO "
                        "article from ../shared/corpus, else the bundled sample)")  # fmt: skip
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"error: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    article = args.article or (CORPUS_ARTICLE if CORPUS_ARTICLE.is_file() else SAMPLE_ARTICLE)
    if not article.is_file():
        print(f"error: {article} not found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        # An empty feedback database, so no one's calls or ignore list change the pictures.
        with streamlit_server(env={"ANNOTATOR_FEEDBACK_DB": str(Path(tmp) / "feedback.sqlite3")}) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            annotate_in_page(page, article.read_text(encoding="utf-8"))
            screenshot_annotate(page, args.out / "screenshot.png")
            page.goto(f"{url}/compare")
            page.get_by_role("button", name="Try it: one referendum, two framings").click()
            page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 4", timeout=30_000)
            screenshot_compare(page, args.out / "compare.png")
        browser.close()
    print(f"wrote {args.out / 'screenshot.png'} and {args.out / 'compare.png'} (article: {article.name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
