"""Repeated terms are one entry (with a count and every position) in the tables and reports; reports name
categories for people; the article's own headings keep a heading style in DOCX."""

from __future__ import annotations

import io

import docx
import pytest
from bs4 import BeautifulSoup

from annotator.export.docx_writer import to_docx
from annotator.export.html_writer import to_html
from annotator.export.md_writer import to_markdown
from annotator.render.tables import flag_groups, grouped_annotation_rows
from annotator.summary import summarize, term_counts

TEXT = (
    "Thirty years later\n\n"
    "Officials in Kiev met on Monday. Kiev's mayor spoke first, and Kiev answered the Kiev regime's critics.\n\n"
    "Talks resume\n\n"
    "The talks in Kiev resumed after the provocation."
)


@pytest.fixture(scope="module")
def doc(engine):
    return engine.annotate(TEXT)


def test_tables_group_repeated_terms_under_the_word_list_term(doc):
    rows = {r["Text"]: r for r in grouped_annotation_rows(doc)}
    kiev = rows["Kiev / Kiev's"]
    assert kiev["Count"] == 4, "Kiev x3 and Kiev's x1 are one term"
    assert kiev["Where"].startswith("sentences 2, 3, 5") and kiev["Where"].count(",") >= 4, kiev["Where"]
    assert rows["Kiev regime's"]["Count"] == 1, "a different term is its own row"
    assert sum(r["Count"] for r in rows.values()) == len(doc.annotations), "every flag is in exactly one row"
    assert sorted(i for g in flag_groups(doc) for i in g) == list(range(len(doc.annotations)))


def test_summary_counts_terms_not_spellings(doc):
    assert term_counts(doc)[0] == ("Kiev", 4)
    assert ("Kiev", 4) in summarize(doc).top_terms
    assert not any(t.lower() in ("kiev's", "kiev") and n != 4 for t, n in summarize(doc).top_terms)


def test_export_html_flags_table_has_one_row_per_term(doc):
    soup = BeautifulSoup(to_html(doc, include_charts=False), "html.parser")
    rows = soup.select("table.flags tbody tr")
    assert len(rows) == len(flag_groups(doc)) < len(doc.annotations)
    kiev = next(r for r in rows if r.td.find_next("td").get_text() == "Kiev / Kiev's")
    assert kiev.select("td")[2].get_text() == "4"
    table = soup.select_one("table.flags").get_text(" ")
    explanation = next(a.explanation for a in doc.annotations if a.term == "Kiev")
    assert table.count(explanation) == 1, "the long explanation is written once"


def test_export_docx_flags_table_grouped_and_repeats_point_to_the_first_comment(doc):
    document = docx.Document(io.BytesIO(to_docx(doc)))
    flags = document.tables[1]
    assert [c.text for c in flags.rows[0].cells][:3] == ["#", "Text", "Uses"]
    assert len(flags.rows) - 1 == len(flag_groups(doc))
    explanation = next(a.explanation for a in doc.annotations if a.term == "Kiev")
    comments = [c.text for c in document.comments]
    assert len(comments) == len(doc.annotations)
    assert sum(explanation in c for c in comments) == 1
    assert sum("use 2 of 4, see comment" in c for c in comments) == 1


def test_export_docx_article_headings_use_heading_styles(doc):
    document = docx.Document(io.BytesIO(to_docx(doc)))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Thirty years later"] == "Heading 2"
    assert styles["Talks resume"] == "Heading 2"
    body = next(t for t in styles if t.startswith("Officials in Kiev"))
    assert styles[body] == "Normal"


def test_export_markdown_uses_readable_names_and_groups(doc):
    md = to_markdown(doc).decode("utf-8")
    assert "naming_choice" not in md and "Naming choice" in md
    assert "Most used loaded terms: Kiev 4" in md
    assert "| Kiev / Kiev's | 4 |" in md
    assert "| author |" not in md.split("## Sentences")[1], "voices are labelled for people"


def test_export_html_tooltip_placement_script_is_allowed_by_the_csp(doc):
    import base64
    import hashlib

    from annotator.render.article import tooltip_script

    html = to_html(doc, include_charts=False).decode("utf-8")
    script = tooltip_script()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f'<script type="text/javascript">{script}</script>' in html
    assert f"sha256-{digest}" in html, "the Content-Security-Policy allows exactly this script"
    assert ".fa-m.fa-up::after{top:auto;bottom:100%" in html, "the flipped tooltip style"
