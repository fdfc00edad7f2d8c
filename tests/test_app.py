"""The Streamlit app (streamlit.testing AppTest): paste -> Annotate -> highlights, tables and charts; every
sidebar control changes what is shown; empty, too long and unreadable input get a friendly message."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import SAMPLES
from tests.files import BAD_UPLOADS, GOOD_UPLOADS

APP = "../streamlit_app.py"
TIMEOUT = 60
SAMPLE_TEXT = (SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8")


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _annotate(at: AppTest, text: str) -> AppTest:
    at.text_area(key="article").set_value(text)
    at.button[0].click()  # the first button on the main page is "Annotate"
    at.run()
    assert not at.exception, at.exception
    return at


def _article_html(at: AppTest) -> str:
    bodies = [h.value for h in at.html if 'class="fa-article"' in h.value]
    assert len(bodies) == 1, "the highlighted article is shown once"
    return bodies[0]


def _marks(at: AppTest) -> int:
    """Number of highlighted flags (a flag split around an overlapping one counts once)."""
    return len(set(re.findall(r'<mark class="fa-m"[^>]* data-ann="(\d+)"', _article_html(at))))


@pytest.fixture
def annotated() -> AppTest:
    return _annotate(_app(), SAMPLE_TEXT)


def test_app_starts_with_input_widgets():
    at = _app()
    assert at.title[0].value == "Framing annotator"
    assert at.text_area(key="article").value == ""
    assert at.button[0].label == "Annotate"
    assert at.file_uploader(key="upload") is not None
    assert len(at.selectbox(key="sample").options) >= 5
    assert not at.html, "no results before the first run"


def test_app_paste_and_annotate_shows_highlights_tables_and_charts(annotated):
    at = annotated
    html = _article_html(at)
    assert "coup d&#x27;etat" in html or "coup d'etat" in html
    assert _marks(at) >= 8
    assert "data-tip=" in html
    assert any('class="fa-legend"' in h.value for h in at.html)
    assert any("Most loaded sentences in the writer" in h.value for h in at.html)
    assert len(at.dataframe) == 2, "sentence table and flag table"
    charts = at.get("plotly_chart")
    assert len(charts) == 4
    labels = [m.label for m in at.metric]
    assert labels == ["Sentences read as biased", "Loaded terms per 100 words", "Anonymous sources", "Flags shown"]
    assert int(at.metric[3].value) == _marks(at)
    assert len(at.get("download_button")) == 5
    summary = " ".join(m.value for m in at.markdown)
    assert "Top categories" in summary and "Classifier" in summary


def test_app_sentence_and_flag_tables_match_the_article(annotated):
    sentences, flags = (d.value for d in annotated.dataframe)
    assert {"Sentence", "Bias", "Top words", "Voice", "Flags"} <= set(sentences.columns)
    assert {"Text", "Category", "Score", "Why", "Neutral wording"} <= set(flags.columns)
    assert flags["Count"].sum() == int(annotated.metric[3].value), "every flag is in one grouped row"
    assert len(flags) < flags["Count"].sum(), "repeated terms (Kiev) are one row"
    assert sentences["Flags"].sum() == flags["Count"].sum()


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        ("detectors", ["anonymous_source", "hedge"]),
        ("categories", ["delegitimizing_label"]),
        ("min_score", 0.7),
        ("include_quotes", False),
        ("min_confidence", 0.6),
    ],
)
def test_app_each_sidebar_control_changes_the_result(annotated, widget, value):
    at = annotated
    before_marks, before_rows = _marks(at), at.dataframe[1].value["Count"].sum()
    before_charts = [c.proto.spec for c in at.get("plotly_chart")]
    control = {
        "detectors": at.multiselect,
        "categories": at.multiselect,
        "min_score": at.slider,
        "include_quotes": at.toggle,
        "min_confidence": at.slider,
    }[widget](key=widget)
    control.set_value(value)
    at.run()
    assert not at.exception, at.exception
    after_marks = _marks(at)
    assert 0 < after_marks < before_marks
    assert at.dataframe[1].value["Count"].sum() == after_marks < before_rows, "the flag table follows the filter"
    assert at.metric[3].value == f"{after_marks} of {before_marks}", "the card says shown of total"
    assert [c.proto.spec for c in at.get("plotly_chart")] != before_charts, "charts follow the filter"


def test_app_reset_filters_restores_everything(annotated):
    at = annotated
    before = _marks(at)
    at.slider(key="min_score").set_value(0.9)
    at.run()
    assert _marks(at) < before
    next(b for b in at.sidebar.button if b.label == "Reset filters").click()
    at.run()
    assert _marks(at) == before


def test_app_empty_input_gives_a_friendly_warning():
    at = _annotate(_app(), "   \n  ")
    assert at.warning and "Paste an article" in at.warning[0].value
    assert not at.html and not at.error


def test_app_too_long_input_gives_a_friendly_warning():
    at = _annotate(_app(), "word " * 100_001)
    assert at.warning and "limit is 100,000" in at.warning[0].value
    assert not at.html


def test_app_escapes_user_text():
    text = 'A reader wrote <script>alert(1)</script> and "><img src=x onerror=alert(1)> in the Kiev regime piece.'
    html = _article_html(_annotate(_app(), text))
    assert "<script>alert(1)</script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_app_notices_when_text_changes_after_a_run(annotated):
    at = annotated
    at.text_area(key="article").set_value(SAMPLE_TEXT + "\n\nOne more line.")
    at.run()
    assert any("changed since these results" in i.value for i in at.info)


def test_app_sample_picker_loads_and_annotates():
    at = _app()
    picker = at.selectbox(key="sample")
    name = next(o for o in picker.options if o.startswith("Separatist"))
    picker.set_value(name)
    at.run()
    assert not at.exception
    assert at.text_area(key="article").value == SAMPLE_TEXT
    assert _marks(at) >= 8
    assert at.success and name in at.success[0].value


@pytest.mark.parametrize("kind", sorted(GOOD_UPLOADS))
def test_app_upload_each_type(kind):
    name, data, phrase = GOOD_UPLOADS[kind]
    at = _app()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    assert not at.error, at.error[0].value if at.error else ""
    assert phrase in at.text_area(key="article").value
    assert "coup d" in _article_html(at)
    assert at.success and name in at.success[0].value


@pytest.mark.parametrize("kind", ["empty txt", "corrupt docx", "corrupt pdf", "scanned pdf", "latin-1 txt"])
def test_app_upload_unusable_file_gives_a_clear_message(kind):
    name, data, phrase = BAD_UPLOADS[kind]
    at = _app()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    assert at.error, "an error message is shown"
    message = at.error[0].value
    assert phrase.lower() in message.lower() and name in message
    assert "Traceback" not in message
    assert not at.html, "no results from an unreadable file"
