"""The pure view layer: filters, the highlighted-article HTML, colours, tables and charts."""

from __future__ import annotations

import itertools

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.charts import all_figures, bias_along_article, category_distribution, top_terms, voice_by_category
from annotator.document import Annotation, Document, Sentence, Span
from annotator.filters import ViewSettings, apply_view
from annotator.render.article import article_html, legend_html, tooltip_text
from annotator.render.palette import category_styles, luminance
from annotator.render.tables import annotation_table, headline, sentence_table
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def doc(engine) -> Document:
    return engine.annotate((SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8"))


def _text_content(html: str) -> str:
    return lxml.html.fromstring(html).text_content()


# ---- palette -----------------------------------------------------------------------------------------


def test_ui_palette_one_distinct_valid_colour_per_category():
    styles = category_styles()
    assert len(styles) >= 14
    colours = [s.colour for s in styles.values()]
    assert len(set(colours)) == len(colours), "one colour per category"
    for style in styles.values():
        assert style.colour.startswith("#") and len(style.colour) == 7
        assert luminance(style.tint) > 0.35, f"{style.id}: black text must stay readable on the tint"


# ---- filters -----------------------------------------------------------------------------------------


def test_ui_filters_default_view_keeps_everything(doc):
    view = apply_view(doc, ViewSettings())
    assert view.annotations == doc.annotations and view.sentences == doc.sentences
    assert view.meta["view"]["detectors"] == "all"


@pytest.mark.parametrize(
    ("settings", "check"),
    [
        (ViewSettings.make(detectors=["lexicon"]), lambda a: a.detector == "lexicon"),
        (ViewSettings.make(categories=["naming_choice"]), lambda a: a.category == "naming_choice"),
        (ViewSettings.make(min_score=0.7), lambda a: a.score >= 0.7),
        (ViewSettings.make(include_quotes=False), lambda a: a.voice != "quote"),
    ],
    ids=["detectors", "categories", "min_score", "author_only"],
)
def test_ui_filters_each_setting_narrows_the_flags(doc, settings, check):
    view = apply_view(doc, settings)
    assert view.annotations, "the sample has flags of every kind tested"
    assert len(view.annotations) < len(doc.annotations)
    assert all(check(a) for a in view.annotations)
    assert [a for a in doc.annotations if check(a)] == list(view.annotations)
    assert view.text == doc.text


def test_ui_filters_author_only_drops_quote_sentence_scores():
    text = 'The minister spoke. "This is a disaster," she said.'
    sentences = (Sentence(Span(0, 19), bias=0.2), Sentence(Span(20, 51), voice="quote", bias=0.9))
    doc = Document(text=text, sentences=sentences)
    view = apply_view(doc, ViewSettings.make(include_quotes=False))
    assert [s.bias for s in view.sentences] == [0.2, None]


def test_ui_filters_describe():
    assert ViewSettings().describe() == "all flags shown"
    text = ViewSettings.make(detectors=["hedge"], min_score=0.5, include_quotes=False).describe()
    assert "hedge" in text and "0.50" in text and "quoted words not counted" in text


# ---- article HTML ------------------------------------------------------------------------------------


def test_ui_article_html_highlights_every_flag_with_a_tooltip(doc):
    html = article_html(doc)
    tree = lxml.html.fromstring(html)
    assert tree.text_content() == doc.text
    for i, a in enumerate(doc.annotations):
        marks = tree.xpath(f'//mark[@data-ann="{i}"]')
        assert marks and a.explanation in marks[0].get("data-tip")
        assert f"--c:{category_styles()[a.category].colour}" in marks[0].get("style")


def test_ui_article_html_marks_quotes_captions_and_bias():
    text = 'Title line\n\nHe called it "a disaster" today.\n\nPhoto: Jane Doe'
    body, credit, quote = text.index("He"), text.index("Photo"), text.index("a disaster")
    sentences = (
        Sentence(Span(0, 10), kind="heading"),
        Sentence(Span(body, credit - 2), bias=0.8),
        Sentence(Span(credit, len(text)), kind="credit"),
    )
    doc = Document(text=text, sentences=sentences, quotes=(Span(quote, quote + 10),))
    tree = lxml.html.fromstring(article_html(doc))
    assert tree.find_class("fa-k-heading")[0].text_content() == "Title line"
    assert tree.find_class("fa-k-credit")[0].text_content() == "Photo: Jane Doe"
    assert tree.find_class("fa-q")[0].text_content() == "a disaster"
    scored = tree.xpath("//*[@data-bias]")
    assert len(scored) == 1 and scored[0].get("data-bias") == "80"


def test_ui_tooltip_text_lists_detector_category_reason_alternatives_score():
    a = Annotation(Span(0, 4), "lexicon", "naming_choice", 0.35, "Russian spelling.", ("Kyiv",), "quote")
    tip = tooltip_text(a)
    assert tip.splitlines()[0] == "Naming choice · Loaded terms"
    assert "Russian spelling." in tip and "Kyiv" in tip and "0.35" in tip and "direct quote" in tip


def test_ui_legend_lists_present_categories_with_counts(doc):
    html = legend_html(doc)
    labels = _text_content(html)
    for category in {a.category for a in doc.annotations}:
        assert category_styles()[category].name in labels


_CHARS = st.sampled_from([*"ab <>&\"'\n“”é", "<script>", "</span>", "&amp;"])


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(_CHARS, min_size=1, max_size=40)))
    n = len(text)

    def span():
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, n))
        return Span(a, b)

    cuts = sorted(set(draw(st.lists(st.integers(0, n), max_size=4))) | {0, n})
    sentences = tuple(Sentence(Span(a, b), bias=draw(st.none() | st.floats(0, 1))) for a, b in itertools.pairwise(cuts))
    annotations = tuple(
        Annotation(span(), "lexicon", draw(st.sampled_from(["naming_choice", "hedge", "x<y"])), 0.5, "why <b>", ())
        for _ in range(draw(st.integers(0, 5)))
    )
    quotes = tuple(span() for _ in range(draw(st.integers(0, 2))))
    return Document(text=text, sentences=sentences, annotations=annotations, quotes=quotes)


@settings(max_examples=150, deadline=None)
@given(documents())
def test_ui_article_html_is_well_formed_and_loses_no_text(doc):
    html = article_html(doc)
    assert _text_content(html) == doc.text
    assert html.count("<mark") == html.count("</mark>")
    assert html.count("<span") == html.count("</span>")
    assert "<script>" not in html and "<b>" not in html
    for i, a in enumerate(doc.annotations):
        if len(a.span):
            assert f'data-ann="{i}"' in html


# ---- tables and headline -----------------------------------------------------------------------------


def test_ui_tables_have_one_row_per_sentence_and_flag(doc):
    sentences = sentence_table(doc)
    flags = annotation_table(doc)
    assert len(sentences) == len(doc.sentences) and len(flags) == len(doc.annotations)
    assert sentences["Flags"].sum() == len(doc.annotations)
    assert list(flags.columns[:4]) == ["#", "Text", "Category", "Score"]


def test_ui_headline_without_model_says_so(doc):
    head = headline(doc)
    assert head.model_name == "classifier not available"
    assert head.biased_share == "–"
    assert int(head.anonymous_sources) == sum(a.detector == "anonymous_source" for a in doc.annotations)


def test_ui_headline_with_model(doc):
    scored = doc.with_(
        sentences=tuple(Sentence(s.span, s.kind, s.voice, s.paragraph, 0.9 if i % 2 else 0.1) for i, s in
                        enumerate(doc.sentences) if s.kind == "prose"),
        meta=dict(doc.meta, model={"model_id": "bias-lr-v1", "test_macro_f1": 0.734}),
    )  # fmt: skip
    head = headline(scored)
    assert head.model_name == "bias classifier bias-lr-v1" and head.model_quality == "test macro-F1 0.73"
    assert head.biased_share.endswith("%")


# ---- charts ------------------------------------------------------------------------------------------


def test_ui_charts_use_category_colours(doc):
    styles = category_styles()
    fig = category_distribution(doc)
    bar = fig.data[0]
    names = {s.name: s.colour for s in styles.values()}
    for label, colour in zip(bar.y, bar.marker.color, strict=True):
        assert names[label] == colour
    assert sum(bar.x) == len(doc.annotations)
    voice = voice_by_category(doc)
    assert sum(sum(t.x) for t in voice.data if t.showlegend is False) == len(doc.annotations)
    terms = top_terms(doc)
    assert terms.data and all(c in names.values() for c in terms.data[0].marker.color)


def test_ui_charts_handle_empty_and_unscored_documents(doc):
    empty = doc.with_(annotations=())
    for fig in all_figures(empty).values():
        assert fig.layout.title.text
    assert "not available" in bias_along_article(doc).layout.annotations[0].text


def test_ui_bias_chart_plots_sentence_index(doc):
    scored = doc.with_(sentences=tuple(Sentence(s.span, s.kind, s.voice, s.paragraph, 0.5) for s in doc.sentences))
    fig = bias_along_article(scored)
    xs = sorted(x for trace in fig.data[1:] for x in trace.x)
    assert xs == list(range(1, len(doc.sentences) + 1))


def test_ui_charts_escape_user_text_in_hover():
    text = "<img src=x onerror=alert(1)> is a provocation."
    doc = Document(text=text, sentences=(Sentence(Span(0, len(text)), bias=0.7),))
    fig = bias_along_article(doc)
    assert all("<img" not in str(c) for trace in fig.data[1:] for c in trace.customdata)
