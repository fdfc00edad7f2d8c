"""DOCX export on long texts: paragraphs in order after the linear insertion, Word comments capped with a note."""

from __future__ import annotations

import io

import docx
import pytest

from annotator.export import docx_writer
from annotator.export.docx_writer import to_docx
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def long_doc(engine):
    """Three samples one after another: several hundred lines, dozens of flags and rewrites."""
    names = ("separatist_referendum.txt", "border_surge.txt", "tax_cuts_for_the_rich.txt")
    text = "\n\n".join((SAMPLES / name).read_text(encoding="utf-8").strip() for name in names) + "\n"
    return engine.annotate(text)


def _open(doc) -> docx.document.Document:
    return docx.Document(io.BytesIO(to_docx(doc)))


def _section(document, heading: str) -> list[str]:
    """Texts of the paragraphs between the heading ``heading`` and the next level-1 heading."""
    texts, inside = [], False
    for p in document.paragraphs:
        if p.style.name == "Heading 1":
            if inside:
                break
            inside = p.text == heading
        elif inside:
            texts.append(p.text)
    return texts


def test_docx_writer_article_paragraphs_keep_their_order(long_doc):
    lines = [line for line in long_doc.text.split("\n") if line.strip()]
    assert _section(_open(long_doc), "Highlighted article") == lines


def test_docx_writer_rewrites_keep_their_order_before_a_blank_line(long_doc):
    from annotator.rewrite import neutral_rewrites

    rewrites = neutral_rewrites(long_doc)
    items = _section(_open(long_doc), "Neutral rewrites")
    assert len(rewrites) >= 3
    assert "" in items, "the anchor paragraph stays as a blank line after the list"
    bullets = items[1 : items.index("")]  # after the hint, up to the blank line
    assert len(bullets) == len(rewrites)
    numbers = {s.span: i for i, s in enumerate(long_doc.sentences, 1)}
    assert [b.split(":")[0] for b in bullets] == [f"Sentence {numbers[r.sentence]}" for r in rewrites]


@pytest.mark.parametrize(
    ("cap", "capped"),
    [
        (3, True),  # fewer comments than flags: the legend says so
        (100_000, False),  # one comment per flag, no note
    ],
)
def test_docx_writer_caps_comments_with_a_note(long_doc, monkeypatch, cap, capped):
    monkeypatch.setattr(docx_writer, "MAX_COMMENTS", cap)
    document = _open(long_doc)
    flags = len(long_doc.annotations)
    assert flags > 3
    comments = list(document.comments)
    assert len(comments) == (cap if capped else flags)
    assert [c.text.split("]")[0] for c in comments][:3] == ["[1", "[2", "[3"]
    legend = "\n".join(p.text for p in document.paragraphs)
    note = f"This text has {flags:,} flags: Word comments are attached to the first {cap:,}"
    assert (note in legend) == capped
    shaded = [r for p in document.paragraphs for r in p.runs if r.font.underline is not None]
    assert len(shaded) >= flags // 2, "every flag stays highlighted past the cap"
