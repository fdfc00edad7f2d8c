"""Real browser: `streamlit run` + headless Debian Chromium (Playwright). Paste the Ukraine/NATO article, press
Annotate, check the highlights and their tooltips, download the HTML report, check injected markup stays text,
and render the README's screenshot (into a temporary folder; the suite never changes committed files)."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS
from tests.streamlit_server import CHROMIUM, annotate_in_page, launch_chromium, screenshot_annotate, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = CORPUS / "ukraine_nato_partnership.txt"
XSS_LINE = 'Reader comments: <script>alert(1)</script> and "><img src=x onerror=alert(1)> end of comments"\n\n'


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    if not ARTICLE.is_file():
        pytest.skip("../shared/corpus is not available")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


def _tooltip_shown(mark) -> bool:
    return mark.evaluate("el => getComputedStyle(el, '::after').display") == "block"


def test_browser_annotate_highlight_tooltip_download(browser, server, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server)
    article_text = ARTICLE.read_text(encoding="utf-8")
    annotate_in_page(page, article_text)

    article = page.locator(".fa-article")
    for term in ("coup d'etat", "Russophobia"):
        mark = article.locator("mark.fa-m", has_text=term).first
        assert mark.get_attribute("data-cat") == "delegitimizing_label"
        tip = mark.get_attribute("data-tip")
        assert "Delegitimizing label" in tip and "Neutral wording" in tip and "Score" in tip
        assert not _tooltip_shown(mark)
        mark.scroll_into_view_if_needed()
        mark.hover()
        page.wait_for_timeout(150)
        assert _tooltip_shown(mark), f"hovering {term!r} shows its tooltip"
        assert "Neutral wording" in mark.evaluate("el => getComputedStyle(el, '::after').content")
    assert article.locator(".fa-q").count() > 0, "quoted words are marked"
    assert article.locator(".fa-k-credit").count() > 0, "credit lines are shown (muted)"

    # The README's screenshot still renders (written to tmp_path: `python scripts/screenshots.py` updates docs/).
    screenshot_annotate(page, tmp_path / "screenshot.png")
    assert (tmp_path / "screenshot.png").stat().st_size > 10_000

    # Injected markup is shown as text, never executed or rendered.
    annotate_in_page(page, XSS_LINE + article_text)
    body = article.inner_text()
    assert "<script>alert(1)</script>" in body and "<img src=x onerror=alert(1)>" in body
    assert article.locator("img, script").count() == 0
    assert article.locator("mark.fa-m", has_text="coup d'etat").count() == 1
    assert not dialogs

    # The HTML report downloads and works offline on its own.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="HTML report").click()
    download = info.value
    assert download.suggested_filename.endswith(".html")
    assert "_framing_" in download.suggested_filename
    report = tmp_path / download.suggested_filename
    download.save_as(report)

    offline = browser.new_page(viewport={"width": 1200, "height": 900})
    offline.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests: list[str] = []
    offline.on("request", lambda request: requests.append(request.url))
    offline.goto(report.as_uri())
    offline.wait_for_selector(".plotly-graph-div .main-svg", timeout=30_000)
    assert offline.locator(".plotly-graph-div").count() == 4
    for term in ("coup d'etat", "Russophobia"):
        mark = offline.locator("mark.fa-m", has_text=term).first
        mark.hover()
        assert _tooltip_shown(mark)
    report_text = offline.locator(".fa-article").inner_text()
    assert "<script>alert(1)</script>" in report_text and "<img src=x onerror=alert(1)>" in report_text
    assert offline.locator(".fa-article img, .fa-article script").count() == 0
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests
    assert not dialogs
    offline.close()
    page.close()
