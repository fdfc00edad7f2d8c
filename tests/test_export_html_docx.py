"""Exports: HTML and DOCX reports show every flag with its reason and never let user text become markup;
JSON round-trips; CSV has one row per annotation and per sentence; file names carry title and date."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from bs4 import BeautifulSoup

from annotator import Document
from annotator.document import Sentence
from annotator.export import WRITERS, write
from annotator.export.docx_writer import to_docx
from annotator.export.html_writer import to_html
from annotator.export.naming import article_title, report_filename, slugify
from annotator.filters import ViewSettings, apply_view
from tests.conftest import SAMPLES

XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
XSS_TEXT = (
    "Reader comment: <script>alert(1)</script> was posted.\n\n"
    'Another reader wrote "><img src=x onerror=alert(1)> under the story."\n\n'
)


@pytest.fixture(scope="module")
def doc(engine) -> Document:
    """A sample article with many flags, the two XSS strings, and fake sentence scores and model info."""
    text = XSS_TEXT + (SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8")
    base = engine.annotate(text)
    sentences = tuple(
        Sentence(s.span, s.kind, s.voice, s.paragraph, round((i * 37 % 100) / 100, 2), (("regime", 0.4),))
        if s.kind == "prose"
        else s
        for i, s in enumerate(base.sentences)
    )
    meta = dict(base.meta, model={"model_id": "test-model-1", "test_macro_f1": 0.71})
    return base.with_(sentences=sentences, meta=meta)


@pytest.fixture(scope="module")
def html_report(doc) -> str:
    return to_html(doc, generated=dt.datetime(2025, 5, 30, 9, 15)).decode("utf-8")


@pytest.fixture(scope="module")
def soup(html_report) -> BeautifulSoup:
    return BeautifulSoup(html_report, "lxml")


def test_export_writers_registered():
    assert {"html", "docx", "json", "csv", "md"} <= set(WRITERS)


# ---- HTML --------------------------------------------------------------------------------------------


def test_export_html_contains_every_annotation_with_its_explanation(doc, soup):
    assert len(doc.annotations) >= 8
    article = soup.select_one(".fa-article")
    for i, a in enumerate(doc.annotations):
        marks = article.select(f'mark[data-ann="{i}"]')
        assert marks, f"annotation {i} ({doc.evidence(a.span)!r}) is not highlighted"
        assert "".join(m.get_text() for m in marks if not m.find_parent("mark", attrs={"data-ann": str(i)})) == (
            doc.evidence(a.span)
        )
        tip = marks[0]["data-tip"]
        assert a.explanation in tip
        for alternative in a.alternatives:
            assert alternative in tip
        assert f"{a.score:.2f}" in tip
    table_text = soup.select_one("table.flags").get_text(" ")
    for a in doc.annotations:
        assert a.explanation in table_text


def test_export_html_article_text_is_exactly_the_document_text(doc, html_report):
    import lxml.html  # BeautifulSoup collapses whitespace-only strings; lxml keeps them as the browser does

    article = lxml.html.fromstring(html_report).find_class("fa-article")[0]
    assert article.text_content() == doc.text


@pytest.mark.parametrize("payload", XSS)
def test_export_html_escapes_user_text(payload, html_report, soup):
    assert payload not in html_report, "raw payload must never reach the markup"
    assert not soup.find_all("img"), "no element may come from user text"
    for script in soup.find_all("script"):
        code = script.get_text()
        assert "<script>alert" not in code and "<img src=x" not in code and "</script" not in code.lower()
        assert not script.get("src"), "scripts are inline (no CDN)"
    assert payload in soup.select_one(".fa-article").get_text(), "the payload is shown as text"
    for tag in soup.find_all(True):
        assert not any(attr.startswith("on") for attr in tag.attrs), f"event handler attribute on <{tag.name}>"


def test_export_html_is_self_contained(soup, html_report):
    for tag in soup.find_all(["script", "link", "img", "iframe"]):
        for attr in ("src", "href"):
            value = tag.get(attr)
            assert not value or value.startswith("data:"), f"external resource {value!r}"
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp and "default-src 'none'" in csp["content"]
    assert "Plotly" in html_report and len(html_report) > 1_000_000, "plotly.js is embedded"
    assert len(soup.select(".plotly-graph-div")) == 4


def test_export_html_csp_hashes_match_every_script(soup):
    import base64
    import hashlib

    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    for script in soup.find_all("script"):
        digest = base64.b64encode(hashlib.sha256(script.string.encode("utf-8")).digest()).decode()
        assert digest in allowed


def test_export_html_footer_and_summary(doc, soup):
    footer = soup.find("footer").get_text()
    assert "test-model-1" in footer and "0.71" in footer
    assert str(doc.meta["lexicon_version"]) in footer
    assert str(doc.meta["annotator_version"]) in footer
    assert "2025-05-30" in footer
    metrics = soup.select_one(".metrics").get_text(" ")
    assert "sentences read as biased" in metrics and "anonymous sources" in metrics
    assert "loaded terms per 100 words" in metrics
    assert soup.select_one(".fa-legend") is not None
    assert soup.select_one("table.sentences") is not None
    assert soup.select(".fa-article [data-bias]"), "sentence bias markers"
    assert soup.select(".fa-article .fa-q"), "quoted words are marked"


def test_export_html_without_charts_is_small(doc):
    data = to_html(doc, include_charts=False)
    assert len(data) < 300_000
    assert data.count(b"<script") == 1, "only the small tooltip-placement script, no plotly"
    assert b"plotly" not in data.lower()


def test_export_html_uses_the_filtered_view(doc):
    view = apply_view(doc, ViewSettings.make(detectors=["anonymous_source"]))
    soup = BeautifulSoup(to_html(view, include_charts=False), "lxml")
    cats = {m["data-cat"] for m in soup.select("mark.fa-m")}
    assert cats == {"anonymous_source"}
    assert "detectors: anonymous_source" in soup.find("footer").get_text()


# ---- DOCX --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_document(doc):
    import docx

    return docx.Document(io.BytesIO(to_docx(doc)))


def _shaded_runs(document):
    from docx.oxml.ns import qn

    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            shd = run._r.rPr.find(qn("w:shd")) if run._r.rPr is not None else None
            if shd is not None:
                yield run, shd.get(qn("w:fill"))


def test_export_docx_has_highlighted_runs_for_each_annotation(doc, docx_document):
    from docx.enum.text import WD_UNDERLINE

    from annotator.render.palette import style_for

    shaded = list(_shaded_runs(docx_document))
    text = "".join(run.text for run, _ in shaded)
    dashed = "".join(
        run.text for p in docx_document.paragraphs for run in p.runs if run.font.underline == WD_UNDERLINE.DASH_HEAVY
    )
    curated = [a for a in doc.annotations if a.detector != "loaded_word"]
    for a in curated:
        assert doc.evidence(a.span).split()[0] in text
    for a in doc.annotations:
        if a.detector == "loaded_word":  # model suggestions: dashed underline, no tint, as in the app
            assert doc.evidence(a.span).split()[0] in dashed
    fills = {fill for _, fill in shaded}
    for a in curated:
        assert style_for(a.category).tint.lstrip("#") in fills, "same colours as the app"


def test_export_docx_comments_explain_every_flag(doc, docx_document):
    comments = list(docx_document.comments)
    assert len(comments) == len(doc.annotations)
    all_text = "\n".join(c.text for c in comments)
    for a in doc.annotations:
        assert a.explanation in all_text


def test_export_docx_summary_table_and_plain_user_text(docx_document):
    first_table = docx_document.tables[0]
    cells = [c.text for row in first_table.rows for c in row.cells]
    assert "Sentences read as biased" in cells and "Anonymous sources" in cells
    body = "\n".join(p.text for p in docx_document.paragraphs)
    for payload in XSS:
        assert payload in body, "user text is kept verbatim as text"


def test_export_docx_survives_control_characters(engine):
    doc = engine.annotate("A so-called\x0b referendum\x01 was held.\x0c It was a provocation.")
    import docx

    document = docx.Document(io.BytesIO(to_docx(doc)))
    assert any("referendum" in p.text for p in document.paragraphs)


# ---- JSON, CSV, Markdown -----------------------------------------------------------------------------


def test_export_json_round_trips_and_has_the_schema_fields(doc):
    data = json.loads(write(doc, "json"))
    assert data["schema_version"] == "1.1"
    assert isinstance(data["text"], str)
    for a in data["annotations"]:
        assert {"start", "end", "text", "detector", "category", "score", "explanation", "alternatives", "voice"} <= set(
            a
        )
        assert data["text"][a["start"] : a["end"]] == a["text"]
        assert 0 <= a["score"] <= 1
    for s in data["sentences"]:
        assert {"start", "end", "kind", "voice", "bias", "top_terms"} <= set(s)
    assert Document.from_dict(data) == doc


def test_export_csv_one_row_per_annotation_and_sentence(doc):
    rows = list(csv.DictReader(io.StringIO(write(doc, "csv").decode("utf-8-sig"))))
    annotations = [r for r in rows if r["row_type"] == "annotation"]
    sentences = [r for r in rows if r["row_type"] == "sentence"]
    assert len(annotations) == len(doc.annotations)
    assert len(sentences) == len(doc.sentences)
    for row, a in zip(annotations, doc.annotations, strict=True):
        assert int(row["start"]) == a.span.start and row["explanation"] == a.explanation


def test_export_markdown_escapes_markup(doc):
    md = write(doc, "md").decode("utf-8")
    assert re.search(r"(?<!\\)<", md) is None, "every < in user text is backslash-escaped"


# ---- file names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ("Kiev regime stages “referendum”\n\nBody.", None, "kiev-regime-stages-referendum_framing_2025-05-30.html"),
        (
            "Ça va? Élections à Zürich: 10 résultats",
            None,
            "ca-va-elections-a-zurich-10-resultats_framing_2025-05-30.html",
        ),
        ("body text", "My Article (final).docx", "my-article-final_framing_2025-05-30.html"),
        ("\n\n   \n", None, "untitled-article_framing_2025-05-30.html"),
        ("<script>alert(1)</script>", None, "script-alert-1-script_framing_2025-05-30.html"),
    ],
)
def test_export_report_filename(text, source, expected):
    assert report_filename(text, "html", date=dt.date(2025, 5, 30), source_name=source) == expected


def test_export_article_title_is_short_and_from_the_first_line():
    long_line = "word " * 60
    title = article_title(long_line + "\nsecond line")
    assert len(title) <= 91 and title.endswith("…")
    assert article_title("\n\nHeadline\nBody") == "Headline"
    assert slugify("../../etc/passwd") == "etc-passwd"


# ---- neutral rewrites in every export --------------------------------------------------------------------


@pytest.fixture(scope="module")
def rewrite_doc(engine) -> Document:
    return engine.annotate("The Kiev regime <i>staged</i> a provocation. “The Kiev regime lies,” the minister said.")


def test_export_json_has_rewrites_that_validate(rewrite_doc):
    import jsonschema

    from annotator.document import SCHEMA_FILE

    data = json.loads(write(rewrite_doc, "json"))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    (rewrite,) = data["rewrites"]
    assert rewrite["original"] == "The Kiev regime <i>staged</i> a provocation."
    assert rewrite["rewritten"].startswith("The Ukrainian government <i>staged</i> a")
    for change in rewrite["changes"]:
        assert data["text"][change["start"] : change["end"]] == change["original"]


def test_export_markdown_has_rewrites_as_strikethrough_and_bold(rewrite_doc):
    md = write(rewrite_doc, "md").decode("utf-8")
    section = md.split("## Neutral rewrites", 1)[1].split("## Sentences", 1)[0]
    assert "~~Kiev regime~~**Ukrainian government**" in section
    assert "\\<i\\>staged\\</i\\>" in section, "user markup is escaped"
    assert section.count("- Sentence") == 1, "quoted words are never rewritten"


def test_export_html_has_rewrites_as_escaped_diffs(rewrite_doc):
    soup = BeautifulSoup(to_html(rewrite_doc, include_charts=False), "lxml")
    (diff,) = soup.select("ol.fa-rw li")
    assert [d.get_text() for d in diff.select("del")] == ["Kiev regime", "a provocation"]
    assert [i.get_text() for i in diff.select("ins")] == ["Ukrainian government", "an action"], "a/an agrees"
    assert diff.select("i") == [], "<i> from the article stays text"
    assert "<i>staged</i>" in diff.get_text()


def test_export_docx_has_rewrites_with_struck_and_inserted_runs(rewrite_doc):
    import docx

    document = docx.Document(io.BytesIO(to_docx(rewrite_doc)))
    runs = [r for p in document.paragraphs for r in p.runs]
    assert any(r.text == "Kiev regime" and r.font.strike for r in runs)
    assert any(r.text == "Ukrainian government" and r.bold and r.font.underline for r in runs)
    assert "Neutral rewrites" in [p.text for p in document.paragraphs]
