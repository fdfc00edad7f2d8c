"""Real browser (headless Debian Chromium via Playwright) on the newsroom pages: compare two articles and
download the comparison report; mark a flag "disagree" with a note, restart the server, see the mark again on
the same text, and find it in the exported decisions.
Renders the README's compare screenshot into a temporary folder."""

from __future__ import annotations

import csv
import io
import time

import pytest

from annotator.feedback import FeedbackStore
from tests.conftest import SAMPLES
from tests.streamlit_server import (
    CHROMIUM,
    annotate_in_page,
    launch_chromium,
    screenshot_compare,
    streamlit_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = (SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8")
NOTE = "fine in a headline"
REVIEWER = "Ana Silva"
ROW_HEIGHT = 72  # the app's data-grid row height (annotator.ui.feedback_page.ROW_HEIGHT)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def test_browser_compare_page_and_report(browser, tmp_path):
    with streamlit_server(env={"ANNOTATOR_FEEDBACK_DB": str(tmp_path / "fb.sqlite3")}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}/compare")
        page.get_by_role("button", name="Try it: one referendum, two framings").click()
        page.wait_for_function("() => document.querySelectorAll('.fa-article').length === 2", timeout=30_000)
        articles = page.locator(".fa-article")
        assert articles.nth(0).locator("mark.fa-m", has_text="coup d'etat").count() == 1
        assert articles.nth(1).locator("mark.fa-m", has_text="puppet leader").count() == 1
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 4", timeout=30_000)
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('[data-testid=stDataFrame] td'))"
            ".some(td => td.textContent === 'revolution')",
            timeout=30_000,
        )
        cells = " | ".join(page.locator("[data-testid='stDataFrame'] td").all_inner_texts())
        for word in ("coup d'etat", "Kiev regime", "sham election", "revolution", "Ukrainian government"):
            assert word in cells, f"{word!r} is in the term and pair tables"

        screenshot_compare(page, tmp_path / "shots" / "compare.png")  # docs/ only via scripts/screenshots.py
        assert (tmp_path / "shots" / "compare.png").stat().st_size > 10_000

        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Comparison report (HTML)").click()
        download = info.value
        assert download.suggested_filename.endswith(".html") and "_vs_" in download.suggested_filename
        report = tmp_path / download.suggested_filename
        download.save_as(report)
        page.close()

    offline = browser.new_page(viewport={"width": 1300, "height": 900})
    requests: list[str] = []
    offline.on("request", lambda request: requests.append(request.url))
    offline.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    offline.goto(report.as_uri())
    offline.wait_for_selector(".plotly-graph-div .main-svg", timeout=30_000)
    assert offline.locator(".plotly-graph-div").count() == 4
    assert offline.locator(".fa-article").count() == 2
    mark = offline.locator("mark.fa-m", has_text="coup d'etat").first
    mark.scroll_into_view_if_needed()
    mark.hover()
    offline.wait_for_timeout(150)
    assert mark.evaluate("el => getComputedStyle(el, '::after').display") == "block", "tooltips work offline"
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests
    assert not dialogs
    offline.close()


def _wait_until_idle(page) -> None:
    """Until the app's rerun has finished (the 'Running…' status is gone) and the page has settled."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=15_000)
    page.wait_for_timeout(300)


def _row_text(grid, row: int) -> str:
    """The text of every cell of a data-grid row (glide-data-grid keeps an accessible copy in the DOM)."""
    grid.get_by_test_id(f"glide-cell-1-{row}").wait_for(state="attached", timeout=15_000)
    return " | ".join(grid.locator(f"[data-testid^=glide-cell-][data-testid$='-{row}']").all_inner_texts())


def _tooltip_flips_near_the_bottom(page) -> None:
    """A highlight in the bottom part of the window opens its tooltip above it (else the last lines are cut)."""
    height = page.viewport_size["height"]
    marks = page.locator(".fa-article mark.fa-m")
    low = next(m for m in marks.all() if height * 0.4 < (m.bounding_box() or {"y": -1})["y"])
    low.evaluate("el => el.scrollIntoView({block: 'end'})")
    page.wait_for_timeout(200)
    low.hover()
    page.wait_for_timeout(200)
    assert "fa-up" in (low.get_attribute("class") or ""), "the tooltip opens above the highlight"
    top = page.locator(".fa-article mark.fa-m").first
    top.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)
    top.hover()
    page.wait_for_timeout(200)
    assert "fa-up" not in (top.get_attribute("class") or ""), "with room below, it opens below"


def _sign_in(page) -> None:
    box = page.get_by_role("textbox", name="Reviewer name")
    box.wait_for(timeout=30_000)
    box.fill(REVIEWER)
    box.press("Enter")
    _wait_until_idle(page)


def _mark_first_flag(page) -> None:
    """As a reviewer would (name already in the sidebar): Flags tab, tick the first row, type a note, Disagree."""
    page.get_by_role("tab", name="Flags").click()
    grid = page.get_by_test_id("stDataFrame").last
    grid.wait_for(timeout=15_000)
    grid.scroll_into_view_if_needed()
    assert "Kiev Regime / Kiev regime" in _row_text(grid, 0)
    disagree = page.get_by_role("button", name="Disagree (1)")
    for _ in range(3):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + ROW_HEIGHT / 2)  # the row's selection box
        try:
            disagree.wait_for(timeout=5_000)
            break
        except Exception:  # a rerun took the click: try again
            _wait_until_idle(page)
    _wait_until_idle(page)
    page.get_by_role("textbox", name="Note (optional, saved with your call)").fill(NOTE)
    disagree.click()
    page.get_by_text(f"Saved “disagree” on 1 row(s) for {REVIEWER}").wait_for(timeout=15_000)


def _wait_for_decision(path) -> list:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        decisions = FeedbackStore(path).decisions()
        if decisions and decisions[0].note == NOTE:
            return decisions
        time.sleep(0.25)
    raise AssertionError(f"decision with note not saved: {FeedbackStore(path).decisions()}")


def test_browser_feedback_survives_restart_and_is_exported(browser, tmp_path):
    db = tmp_path / "feedback.sqlite3"
    env = {"ANNOTATOR_FEEDBACK_DB": str(db)}
    with streamlit_server(env=env) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(url)
        _sign_in(page)
        annotate_in_page(page, TEXT)
        _tooltip_flips_near_the_bottom(page)
        _mark_first_flag(page)
        decisions = _wait_for_decision(db)
        page.close()
    assert len(decisions) == 2, "a call on the grouped row covers both uses of the term"
    assert {(d.evidence, d.decision, d.detector, d.reviewer, d.note) for d in decisions} == {
        ("Kiev Regime", "disagree", "lexicon", REVIEWER, NOTE),
        ("Kiev regime", "disagree", "lexicon", REVIEWER, NOTE),
    }

    with streamlit_server(env=env) as url:  # a new server process: nothing in memory survives
        page = browser.new_page(viewport={"width": 1400, "height": 1400}, accept_downloads=True)
        page.goto(url)
        _sign_in(page)
        annotate_in_page(page, TEXT)
        page.get_by_role("tab", name="Flags").click()
        grid = page.get_by_test_id("stDataFrame").last
        grid.wait_for(timeout=15_000)
        row = _row_text(grid, 0)
        assert "✗ disagree" in row, f"the mark is shown again: {row}"  # (the note column is off to the right)
        assert page.get_by_text("2 call(s) by you on this text are in the feedback database").is_visible()

        page.get_by_role("link", name="Reviewer feedback").click()
        page.get_by_text(str(db)).first.wait_for(timeout=15_000)
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name="Decisions (CSV)").click()
        exported = info.value.path().read_text(encoding="utf-8")
        page.close()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 2
    row = rows[0]
    assert (row["evidence"], row["decision"], row["note"], row["reviewer"]) == (
        "Kiev Regime",
        "disagree",
        NOTE,
        REVIEWER,
    )
    assert row["target"] == "annotation"
    assert TEXT[int(row["start"]) : int(row["end"])] == "Kiev Regime"
    assert row["model_id"] and row["created_at"]
