"""Pure helpers behind the newsroom pages: the word list as a table, reviewer calls as table columns, diffs."""

from __future__ import annotations

import pytest

from annotator import Annotator
from annotator.feedback import Decision, FeedbackStore, text_hash
from annotator.lexicon import load_entries
from annotator.render.rewrites import diff_html, rewrites_html
from annotator.rewrite import neutral_rewrites
from annotator.ui import feedback_table as ft
from annotator.ui.lexicon_table import (
    build_lexicon,
    bundled_table,
    merge_upload,
    rows_to_table,
    table_csv,
    table_digest,
)
from tests.conftest import SAMPLES

UPLOADED = [
    {
        "term": "Kiev",
        "category": "naming_choice",
        "severity": "high",
        "explanation": "House style.",
        "alternatives": "Kyiv",
    },
    {"term": "zoning grab", "category": "emotional", "severity": "medium", "explanation": "Theft frame."},
    {"term": "bulldozed", "category": "villainy", "severity": "high", "explanation": "Bad category."},
]


# ---- word list table -----------------------------------------------------------------------------------


def test_ui_lexicon_bundled_table_builds_the_bundled_lexicon():
    table = bundled_table()
    assert len(table) >= 400 and table["enabled"].all() and set(table["source"]) == {"bundled"}
    lexicon, errors = build_lexicon(table)
    assert errors == [] and len(lexicon) == len(table)


def test_ui_lexicon_merge_upload_replaces_overlapping_rows_and_keeps_the_rest():
    current = bundled_table()
    merged = merge_upload(current, rows_to_table(UPLOADED, "beat.csv"))
    kiev = merged[merged["term"].str.lower() == "kiev"]
    assert len(kiev) == 1 and kiev["source"].iloc[0] == "beat.csv", "the user's row wins"
    assert len(merged) == len(current) - 1 + len(UPLOADED)
    replaced = merge_upload(current, rows_to_table(UPLOADED, "beat.csv"), replace=True)
    assert list(replaced["term"]) == ["Kiev", "zoning grab", "bulldozed"]


def test_ui_lexicon_bad_rows_are_reported_and_good_rows_apply():
    table = merge_upload(bundled_table(), rows_to_table(UPLOADED, "beat.csv"))
    lexicon, errors = build_lexicon(table)
    assert [(e.term, e.row) for e in errors] == [("bulldozed", 3)], "uploaded rows come first"
    (kiev,) = lexicon.match("In Kiev today.")
    assert kiev.entry.severity == "high" and kiev.entry.explanation == "House style."
    assert [m.entry.term for m in lexicon.match("A zoning grab, bulldozed through.")] == ["zoning grab"]


def test_ui_lexicon_disabled_rows_do_not_match_and_survive_download(tmp_path):
    table = bundled_table()
    table.loc[table["term"] == "Kiev regime", "enabled"] = False
    lexicon, _ = build_lexicon(table)
    assert [m.entry.term for m in lexicon.match("The Kiev regime fell.")] == ["Kiev", "regime"], "no longer one phrase"
    path = tmp_path / "mine.csv"
    path.write_bytes(table_csv(table))
    assert len(load_entries(path)) == len(table) - 1, "the file keeps the row, switched off"
    assert "false" in path.read_text(encoding="utf-8").split("Kiev regime")[0].splitlines()[-1]
    assert table_digest(table) != table_digest(bundled_table())


def test_ui_lexicon_annotator_uses_a_session_lexicon():
    table = merge_upload(bundled_table(), rows_to_table(UPLOADED, "beat.csv"))
    lexicon, _ = build_lexicon(table)
    doc = Annotator(lexicon=lexicon, model=None).annotate("The zoning grab passed.")
    assert [doc.evidence(a.span) for a in doc.annotations] == ["zoning grab"]
    assert doc.meta["lexicon_version"].endswith(table_digest(table))


# ---- reviewer calls as table columns --------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc(engine):
    return engine.annotate((SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8"))


def test_ui_feedback_flag_table_groups_terms_and_calls_cover_every_use(doc):
    table = ft.flag_feedback_table(doc, [])
    assert list(table.frame.columns[:6]) == ["#", "Text", "Count", ft.DECISION, "Category", "Why"]
    assert list(table.frame.columns).index(ft.NOTE) == list(table.frame.columns).index("Neutral wording") + 1
    kiev = int(table.frame.index[table.frame["Text"] == "Kiev"][0])
    assert table.frame["Count"].iloc[kiev] == len(table.keys[kiev]) == 3
    calls = ft.calls_for(doc, table, [0, kiev], "disagree", " headline ", reviewer="Ana")
    assert len(calls) == 2 + 3, "Kiev Regime/Kiev regime (2 uses) and Kiev (3 uses)"
    first = calls[0]
    assert (first.target, first.decision, first.note, first.detector, first.reviewer) == (
        "annotation", "disagree", "headline", "lexicon", "Ana"
    )  # fmt: skip
    assert doc.text[first.start : first.end] == first.evidence == "Kiev Regime"
    assert first.sentence.startswith("Zarechensk Votes") and first.text_hash == text_hash(doc.text)
    with pytest.raises(ValueError):
        ft.calls_for(doc, table, [0], "maybe")


def test_ui_feedback_table_prefills_calls_and_marks_mixed_groups(doc, tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    first = ft.flag_feedback_table(doc, [])
    kiev = int(first.frame.index[first.frame["Text"] == "Kiev"][0])
    for d in ft.calls_for(doc, first, [1], "agree") + ft.calls_for(doc, first, [kiev], "agree"):
        store.record(d)
    store.record(ft.decision_for(doc, first.keys[kiev][0], "disagree", "first use only"))
    again = ft.flag_feedback_table(doc, store.decisions(text_hash(doc.text)))
    assert again.frame[ft.DECISION].iloc[1] == "✓ agree" and again.frame[ft.DECISION].iloc[0] == ""
    assert again.frame[ft.DECISION].iloc[kiev] == "mixed" and again.frame[ft.NOTE].iloc[kiev] == "first use only"
    assert ft.selected_keys(again, [kiev, kiev, 99]) == list(again.keys[kiev]), "each span once; bad rows skipped"


def test_ui_feedback_sentence_table_records_the_score(doc):
    scored = doc.with_(sentences=tuple(s.__class__(s.span, s.kind, s.voice, s.paragraph, 0.8) for s in doc.sentences))
    table = ft.sentence_feedback_table(scored, [])
    assert list(table.frame.columns[:6]) == ["#", "Sentence", "Bias", "Top words", ft.DECISION, ft.NOTE]
    (decision,) = ft.calls_for(scored, table, [2], "disagree")
    assert (decision.target, decision.score, decision.detector) == ("sentence", 0.8, "")
    assert decision.sentence == " ".join(scored.evidence(scored.sentences[2].span).split())
    assert isinstance(decision, Decision)


def test_ui_feedback_table_key_changes_with_the_rows(doc):
    fewer = doc.with_(annotations=doc.annotations[:3])
    assert ft.flag_feedback_table(doc, []).table_key != ft.flag_feedback_table(fewer, []).table_key
    assert ft.flag_feedback_table(doc, []).table_key == ft.flag_feedback_table(doc, []).table_key


@pytest.mark.parametrize(
    ("lengths", "expected", "reason"),
    [
        ([], 72, "no rows: the least height that wraps"),
        ([40] * 10, 72, "short sentences fit the least height"),
        ([200] * 10, 14 + 21 * 4, "four lines of about 55 characters"),
        ([2000] * 10, 150, "capped: a very long sentence opens in full on a click"),
        ([50] * 9 + [5000], 72, "nine in ten decide, one outlier does not stretch every row"),
    ],
)
def test_ui_feedback_row_height_shows_whole_sentences(lengths, expected, reason):
    assert ft.row_height_for(["x" * n for n in lengths]) == expected, reason


# ---- rewrite diffs ----------------------------------------------------------------------------------------


def test_ui_rewrite_diff_html_escapes_and_marks_changes(engine):
    doc = engine.annotate("The Kiev regime & <b>its</b> allies staged a provocation.")
    (rewrite,) = neutral_rewrites(doc)
    html = diff_html(rewrite)
    assert '<del title="removed">Kiev regime</del><ins title="neutral alternative">Ukrainian government</ins>' in html
    assert "&amp; &lt;b&gt;its&lt;/b&gt;" in html and "<b>" not in html
    listing = rewrites_html(doc, [rewrite])
    assert "Sentence 1 · 2 changes" in listing and "Rewritten:" in listing
    assert "No sentence has a loaded term" in rewrites_html(doc, [])


def test_ui_rewrites_are_numbered_by_their_sentence(engine):
    """Each rewrite's label names its own sentence's number (numbers come from one table built per page)."""
    from annotator.render.rewrites import sentence_number

    doc = engine.annotate(
        "The council met on Monday. The Kiev regime staged a provocation.\n\n"
        "Officials gave no details. Critics called the vote a coup d'etat."
    )
    rewrites = neutral_rewrites(doc)
    assert len(rewrites) >= 2
    listing = rewrites_html(doc, rewrites)
    for r in rewrites:
        number = sentence_number(doc, r)
        assert doc.sentences[number - 1].span == r.sentence
        assert f"Sentence {number} ·" in listing
