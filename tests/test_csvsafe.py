"""Every CSV the project writes (annotation export, feedback export, word lists) survives Python's csv reader
with line breaks inside cells, and no cell a spreadsheet would run as a formula is left as it was."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.csvsafe import FORMULA_STARTS, restore_cell, safe_cell, write_csv
from annotator.export import write
from annotator.feedback import Decision, FeedbackStore, text_hash
from annotator.lexicon import load_entries, write_rows
from annotator.lexicon.loader import entry_row

# value -> (cell written, reason)
CELLS = {
    "=1+1": ("'=1+1", "a formula"),
    "+44 20 7946": ("'+44 20 7946", "a plus sign starts a formula too"),
    "-2+3": ("'-2+3", "so does a minus"),
    "@SUM(A1)": ("'@SUM(A1)", "and an at sign (Lotus-style)"),
    "\tcmd": ("'\tcmd", "a leading tab was left alone by the feedback export"),
    "\r=cmd": ("'\r=cmd", "a leading CR was left alone by the feedback export"),
    "plain text": ("plain text", "ordinary text is untouched"),
    "a=b": ("a=b", "only a leading character counts"),
    "'quoted": ("'quoted", "an apostrophe alone is not a formula"),
}


@pytest.mark.parametrize("value", sorted(CELLS))
def test_csvsafe_safe_cell_neutralises_formula_starts(value):
    expected, reason = CELLS[value]
    assert safe_cell(value) == expected, reason
    assert restore_cell(safe_cell(value)) == value, "restore_cell undoes it"


def test_csvsafe_numbers_stay_numbers():
    assert safe_cell(-0.5) == -0.5 and safe_cell(3) == 3 and safe_cell(None) == ""


NASTY = 'line one\rline two\nline three\r\nend, with "quotes"'


def _read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csvsafe_write_csv_round_trips_line_breaks():
    rows = [{"a": NASTY, "b": "x"}, {"a": "=evil()", "b": "\tx"}]
    back = _read(write_csv(rows, ["a", "b"]))
    assert back == [{"a": NASTY, "b": "x"}, {"a": "'=evil()", "b": "'\tx"}], "two rows, bare CR kept in its cell"


def test_csvsafe_annotation_export_round_trips(engine):
    text = "The =regime\rdestroyed @everything.\n\n-Officials said it was a so-called referendum.\n\n+1 more."
    doc = engine.annotate(text)
    rows = _read(write(doc, "csv"))
    sentences = [r for r in rows if r["row_type"] == "sentence"]
    annotations = [r for r in rows if r["row_type"] == "annotation"]
    assert len(sentences) == len(doc.sentences) and len(annotations) == len(doc.annotations)
    for row, s in zip(sentences, doc.sentences, strict=True):
        assert restore_cell(row["text"]) == doc.evidence(s.span), "the bare CR stays inside its cell"
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(FORMULA_STARTS), f"{column}={value!r} would run as a formula"


def test_csvsafe_feedback_export_round_trips(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    evil = dict(evidence="=HYPERLINK(1)", sentence="\tTabbed", note="-2+3\rsecond line", term="@term", category="+cat")
    store.record(Decision(text_hash("t"), "annotation", 1, 4, "disagree", detector="lexicon", **evil))
    store.record(Decision(text_hash("t"), "sentence", 5, 9, "agree", sentence="Fine.", score=0.25))
    rows = _read(store.export_csv())
    assert len(rows) == 2, "Python's csv reader reads the feedback CSV, one row per decision"
    first = rows[0]
    for column, value in evil.items():
        assert first[column] == "'" + value, f"{column} is neutralised"
    assert rows[1]["score"] == "0.25"


def test_csvsafe_word_list_round_trips(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "term,category,severity,explanation,alternatives\n"
        'crooks,emotional,high,"-Dismissive, with a comma",=neutral|@other\n',
        encoding="utf-8",
    )
    (entry,) = load_entries(path)
    written = write_rows([entry_row(entry)])
    assert b"'=neutral" in written, "the alternatives cell starts with = and is neutralised"
    again = tmp_path / "again.csv"
    again.write_bytes(written)
    (back,) = load_entries(again)
    assert back.alternatives == ("=neutral", "@other") and back.explanation == entry.explanation
