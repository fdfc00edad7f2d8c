"""Exports never crash on text that annotation accepted: text that is not valid Unicode is refused at the door
(``Annotator.annotate``, ``Document.from_dict``, the feedback store), and a DOCX title with nothing left after
cleaning gets a stand-in instead of an IndexError."""

from __future__ import annotations

import io
import json

import docx
import pytest

from annotator import Document, InputError
from annotator.export import WRITERS, write
from annotator.feedback import Decision, FeedbackError, FeedbackStore, text_hash

FORMATS = sorted(WRITERS)
SURROGATES = {
    "high alone": "The regime \ud800 fell.",
    "low alone": "The regime fell.\udfff",
    "reversed pair": "A provocation \udc00\ud800 indeed.",
}


@pytest.mark.parametrize("case", sorted(SURROGATES))
def test_export_lone_surrogates_are_refused_at_the_door(engine, case):
    with pytest.raises(InputError, match="not valid Unicode: a lone surrogate"):
        engine.annotate(SURROGATES[case])


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_every_format_writes_text_that_passed_the_door(engine, fmt):
    # The closest valid text (what errors="replace" gives) goes through every writer.
    doc = engine.annotate("The regime \ufffd fell. A so-called \ufffd referendum.")
    data = write(doc, fmt)
    assert data, fmt
    if fmt in ("json", "csv", "md", "html"):
        assert "\ufffd" in data.decode("utf-8-sig")


def test_export_from_dict_refuses_lone_surrogates(engine):
    data = json.loads(write(engine.annotate("A plain sentence."), "json"))
    data["text"] = "A plain sentence\ud800"
    data["annotations"] = data["sentences"] = []
    with pytest.raises(ValueError, match="lone surrogate"):
        Document.from_dict(data)


def test_export_feedback_note_with_a_lone_surrogate_is_a_clear_error(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    bad = Decision(text_hash("t"), "sentence", 0, 5, "agree", note="fine \udcff note")
    with pytest.raises(FeedbackError, match="note: the text is not valid Unicode"):
        store.record(bad)
    assert store.decisions() == [], "nothing was written"
    store.record(Decision(text_hash("t"), "sentence", 0, 5, "agree", note="fine \ufffd note"))
    assert store.decisions()[0].note == "fine \ufffd note"


# first line -> reason it once crashed the DOCX title
EMPTY_TITLES = {
    "\x13\nThe regime fell.": "a control character only: cleaned to nothing",
    "\ufffe\nThe regime fell.": "a non-character: cleaned to nothing",
    "\u2022\nThe regime fell.": "a lone bullet: stripped by the title rule",
    "#\n\nThe regime fell.": "a Markdown heading mark alone",
    "\x13\x01\x02 \x0b\nThe regime fell.": "several control characters and spaces",
}


@pytest.mark.parametrize("text", sorted(EMPTY_TITLES))
def test_export_docx_title_with_nothing_left_after_cleaning(engine, text):
    doc = engine.annotate(text)
    document = docx.Document(io.BytesIO(write(doc, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Untitled article" in paragraphs, EMPTY_TITLES[text]
    assert any("regime" in p for p in paragraphs), "the article is still written"
