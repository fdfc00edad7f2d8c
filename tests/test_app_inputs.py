"""The app's inputs under issue 11 (AppTest): a link box that fetches an article, user-supplied names shown as
plain text in notices, and a word-list upload that reports unreadable rows like the command line does."""

from __future__ import annotations

import re

import pytest

from annotator.fetch import ENV_VAR
from tests.news_site import news_site
from tests.test_app_workflow import _app, _run


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture(scope="module")
def site():
    with news_site() as base:
        yield base


def test_app_link_box_loads_and_annotates_the_article(site, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "loopback")
    at = _app()
    at.text_input(key="article_link").set_value(site + "/short-link")
    _run(at)
    notice = _unescape(at.success[0].value)
    assert "Referendum in the east: what the vote means (The Daily Ledger, 2026-03-14)" in notice
    text = at.text_area(key="article").value
    assert text.startswith("Referendum in the east") and "ADVERTISEMENT" not in text
    assert any("Kiev regime" in h.value for h in at.html if 'class="fa-article"' in h.value), "annotated at once"


@pytest.mark.parametrize(
    ("env", "path", "phrase"),
    [
        ("", "/short-link", "is this computer (loopback)"),
        ("loopback", "/redirect-metadata", "169.254.169.254 is a link-local"),
        ("loopback", "/no-article", "no article text found"),
    ],
)
def test_app_link_box_refusals_are_one_clear_message(site, monkeypatch, env, path, phrase):
    monkeypatch.setenv(ENV_VAR, env)
    at = _app()
    at.text_input(key="article_link").set_value(site + path)
    _run(at)
    assert at.error and phrase in _unescape(at.error[0].value)
    assert not [h for h in at.html if 'class="fa-article"' in h.value], "nothing annotated"


EVIL_NAME = "[click](https://evil.example)![x](https://evil.example/p.png) :red[alarm].txt"


def test_app_upload_name_is_plain_text_in_the_notice():
    at = _app()
    at.file_uploader(key="upload").set_value((EVIL_NAME, b"The Kiev regime fell.", "text/plain"))
    _run(at)
    value = at.success[0].value
    assert _unescape(value) == f"Loaded {EVIL_NAME} (4 words)."
    assert "](" not in value and ":red[" not in value, "no link, image or colour directive survives"


BROKEN_LEXICON = (
    b"term,variants,category,severity,explanation,alternatives,note,enabled\n"
    b"zoning grab,,emotional,medium,Frames a planning change as theft.,rezoning,,true\n"
    b"slumlord,,emotional,high,Brands a landlord.,landlord,,maybe\n"
    b"NIMBY,,emotional,high,Why, really.,x,,true,extra\n"
)


def test_app_word_list_upload_reports_unreadable_rows_like_the_cli():
    at = _app("app_pages/word_list.py")
    at.file_uploader(key="lexicon_upload").set_value(("[bad](https://evil.example).csv", BROKEN_LEXICON, "text/csv"))
    _run(at)
    notice = _unescape(at.warning[0].value)
    assert "Added 1 row(s) from [bad](https://evil.example).csv." in notice
    assert "row 3 (slumlord): enabled 'maybe' is not one of true, false" in notice
    assert "row 4 (NIMBY): more fields than columns" in notice
    assert "](" not in at.warning[0].value
    table = next(e for e in at.data_editor if (e.key or "").startswith("lexicon_editor")).value
    terms = set(table["term"])
    assert "zoning grab" in terms and "slumlord" not in terms, "unreadable rows stay out of the table"
