"""Streamlit pieces of the main page: input callbacks, the sidebar and the result views.

``app_pages/annotate.py`` arranges these on the page. The engine (lexicon, detectors, classifier) is loaded
once per server (``annotator.ui.session``); each annotated text is cached; the reader's settings are applied
afterwards (``annotator.filters``) so moving a slider never re-runs the engine. The Flags and Sentences tabs
take the reviewer's agree/disagree calls (``annotator.ui.feedback_page``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from annotator import Document, InputError
from annotator.charts import all_figures
from annotator.export import WRITERS, write
from annotator.export.naming import article_title, report_filename
from annotator.fetch import fetch_article
from annotator.filters import ViewSettings, apply_view
from annotator.ingest import MAX_BYTES, MAX_WORDS, IngestError, extract_text
from annotator.pipeline import MAX_TEXT_CHARS
from annotator.render.article import ARTICLE_CSS, article_html, legend_html, side_panel_html, tooltip_script
from annotator.render.palette import DETECTOR_HELP, DETECTOR_LABELS, category_styles, style_for
from annotator.render.rewrites import REWRITE_CSS, rewrites_html
from annotator.render.tables import GROUPED_COLUMNS, grouped_annotation_rows, headline, sentence_table
from annotator.rewrite import neutral_rewrites
from annotator.ui import feedback_page
from annotator.ui.engine import Engine
from annotator.ui.feedback_table import row_height_for
from annotator.ui.plain import plain
from annotator.ui.session import (
    Active,
    active_annotator,
    annotate_cached,
    ignored_terms,
    reviewer_input,
    reviewer_label,
    reviewer_name,
)
from annotator.ui.session import load_engine as load_engine  # re-exported: the app's entry point uses it

SAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "samples"
UPLOAD_TYPES = ["txt", "md", "html", "htm", "docx", "pdf"]
MAX_UPLOAD_MB = 5
LIMITS_TEXT = (
    f"Up to {MAX_WORDS:,} words ({MAX_TEXT_CHARS:,} characters). Files: .txt, .md, .html, .docx or .pdf "
    f"with a text layer, up to {MAX_UPLOAD_MB} MB. Everything runs on this computer; nothing you paste or upload is "
    "sent anywhere (a link is fetched once, by this computer)."
)

# Session-state keys.
ARTICLE = "article"  # the text area
SUBMITTED = "submitted"  # text of the last run (what the results show)
SOURCE = "source_name"  # file or sample name of the submitted text, for titles and file names
NOTICE = "notice"  # (level, message) shown under the input
UPLOAD = "upload"
SAMPLE = "sample"
SCROLL = "_scroll_to_results"  # set by Annotate / a loaded file or sample: bring the results into view once
HIDDEN_CATEGORIES = "hidden_categories"  # the one-click category pills above the results
SHOW_IGNORED = "show_ignored_for"  # reviewer name whose ignore list is shown anyway (one click)
LINK = "article_link"  # the "paste a link" box

EXPORTS: tuple[tuple[str, str, str, str], ...] = (
    # format, button label, extension, mime type
    ("html", "HTML report", "html", "text/html"),
    ("docx", "Word (DOCX)", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("json", "JSON data", "json", "application/json"),
    ("csv", "CSV table", "csv", "text/csv"),
    ("md", "Markdown", "md", "text/markdown"),
)

# ---- input -------------------------------------------------------------------------------------------


def sample_files() -> dict[str, Path]:
    """Bundled sample articles by display name ("Border surge", "Council budget (neutral control)")."""
    if not SAMPLES_DIR.is_dir():
        return {}
    out = {}
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        words = path.stem.replace("_", " ").split()
        neutral = words[-1:] == ["neutral"]
        name = " ".join(words[:-1] if neutral else words).capitalize()
        out[name + (" (neutral control)" if neutral else "")] = path
    return out


def check_pasted(text: str) -> str | None:
    """A friendly message if pasted text cannot be annotated, else None."""
    if not text or not text.strip():
        return "Paste an article into the box (or upload a file, or pick a sample), then press **Annotate**."
    words = len(text.split())
    if words > MAX_WORDS:
        return f"That text has {words:,} words; the limit is {MAX_WORDS:,}. Annotate one article at a time."
    if len(text) > MAX_TEXT_CHARS:
        return f"That text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}."
    return None


def on_annotate() -> None:
    text = st.session_state.get(ARTICLE, "")
    problem = check_pasted(text)
    if problem:
        st.session_state[NOTICE] = ("warning", problem)
        st.session_state[SUBMITTED] = None
        return
    st.session_state[NOTICE] = None
    st.session_state[SCROLL] = True
    loaded = text == st.session_state.get("_loaded_text")
    st.session_state[SOURCE] = st.session_state.get("_loaded_from") if loaded else None
    st.session_state[SUBMITTED] = text


def _load_text(text: str, source: str) -> None:
    st.session_state[ARTICLE] = text
    st.session_state[SUBMITTED] = text
    st.session_state[SOURCE] = source
    st.session_state["_loaded_from"] = source
    st.session_state["_loaded_text"] = text
    st.session_state[SCROLL] = True


def on_upload() -> None:
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        return
    if uploaded.size > MAX_BYTES:
        st.session_state[NOTICE] = (
            "error",
            f"{plain(uploaded.name)} is {uploaded.size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.",
        )
        return
    try:
        text = extract_text(uploaded.getvalue(), uploaded.name)
    except IngestError as exc:
        st.session_state[NOTICE] = ("error", f"Could not use that file. {plain(exc)}")
        return
    _load_text(text, uploaded.name)
    words = len(text.split())
    st.session_state[NOTICE] = ("success", f"Loaded {plain(uploaded.name)} ({words:,} words).")


def on_link() -> None:
    """Fetch the pasted link (``annotator.fetch``: time, size and address limits) and load its article."""
    link = (st.session_state.get(LINK) or "").strip()
    if not link:
        return
    try:
        article = fetch_article(link)
    except IngestError as exc:
        st.session_state[NOTICE] = ("error", f"Could not use that link. {plain(exc)}")
        return
    _load_text(article.text, article.name)
    source = ", ".join(x for x in (article.outlet, article.date) if x)
    st.session_state[NOTICE] = (
        "success",
        f"Loaded {plain(article.name)}{f' ({plain(source)})' if source else ''}: {len(article.text.split()):,} words.",
    )


def on_sample() -> None:
    name = st.session_state.get(SAMPLE)
    path = sample_files().get(name or "")
    if path is None:
        return
    _load_text(path.read_text(encoding="utf-8"), name or path.stem)
    st.session_state[NOTICE] = ("success", f"Loaded the sample “{name}”.")


def show_notice() -> None:
    notice = st.session_state.get(NOTICE)
    if not notice:
        return
    level, message = notice
    {"warning": st.warning, "error": st.error, "success": st.success}.get(level, st.info)(message)


# ---- sidebar -----------------------------------------------------------------------------------------


def sidebar_settings(engine: Engine) -> ViewSettings:
    """The 'What to show' controls; returns the settings every view and export uses."""
    styles = category_styles()
    detector_ids = [d.id for d in engine.annotator.detectors]
    # Initial values live in session state (not widget defaults) so they survive a visit to another page.
    st.session_state.setdefault("detectors", detector_ids)
    st.session_state.setdefault("categories", list(styles))
    st.session_state.setdefault("min_score", 0.0)
    st.session_state.setdefault("include_quotes", True)
    st.sidebar.header("What to show")
    detectors = st.sidebar.multiselect(
        "Detectors",
        detector_ids,
        format_func=lambda d: DETECTOR_LABELS.get(d, d),
        key="detectors",
        help="\n".join(f"- **{DETECTOR_LABELS.get(d, d)}**: {DETECTOR_HELP.get(d, '')}" for d in detector_ids),
    )
    categories = st.sidebar.multiselect(
        "Categories",
        list(styles),
        format_func=lambda c: styles[c].name,
        key="categories",
        help="Kinds of framing to highlight. Each has its own colour in the article, the charts and the reports.",
    )
    min_score = st.sidebar.slider(
        "Minimum score",
        0.0,
        1.0,
        step=0.05,
        key="min_score",
        help="Hide weaker flags. Naming choices score about 0.35, most loaded terms 0.6 to 0.85; "
        "flags inside quotes score lower.",
    )
    word_model = next((d for d in engine.annotator.detectors if d.id == "loaded_word"), None)
    min_confidence = 0.0
    if word_model is not None:
        floor = round(float(word_model.threshold), 2)
        st.session_state.setdefault("min_confidence", floor)
        min_confidence = st.sidebar.slider(
            "Model suggestions: minimum confidence",
            floor,
            1.0,
            step=0.01,
            key="min_confidence",
            help=f"Words the trained model reads as loaded (dashed underline) are shown from {floor:.0%} "
            "confidence, the threshold that balanced precision and recall on held-out BABE sentences. Raise it "
            "to see fewer, surer suggestions.",
        )
    include_quotes = st.sidebar.toggle(
        "Count quoted words",
        key="include_quotes",
        help="Off: only the writer's own words count. Flags inside direct quotes are hidden and quoted sentences "
        "get no bias score (reported speech is the writer's paraphrase and still counts).",
    )
    st.sidebar.button("Reset filters", on_click=reset_settings, args=(detector_ids, list(styles)))
    st.sidebar.header("Reviewer")
    reviewer_input()
    return ViewSettings.make(
        None if set(detectors) == set(detector_ids) else detectors,
        None if set(categories) == set(styles) else categories,
        min_score,
        include_quotes,
        min_confidence=0.0 if word_model is None or min_confidence <= word_model.threshold + 1e-9 else min_confidence,
    )


def reset_settings(detector_ids: list[str], category_ids: list[str]) -> None:
    st.session_state["detectors"] = detector_ids
    st.session_state["categories"] = category_ids
    st.session_state["min_score"] = 0.0
    st.session_state.pop("min_confidence", None)  # back to the model's threshold on the next run
    st.session_state["include_quotes"] = True
    st.session_state[HIDDEN_CATEGORIES] = []


def sidebar_about(engine: Engine) -> None:
    active = active_annotator(engine)
    with st.sidebar.expander("About, limits and model", expanded=False):
        info = engine.annotator.model_info
        if info:
            f1 = info.get("test_macro_f1")
            f1_text = f" (test macro-F1 {float(f1):.2f})" if isinstance(f1, int | float) else ""
            st.markdown(f"**Classifier:** `{info.get('model_id', 'bias model')}`{f1_text}")
        else:
            st.markdown(f"**Classifier not available** ({engine.model_status or 'not loaded'}); "
                        "sentence bias scores are switched off.")  # fmt: skip
        lexicon = active.annotator.lexicon
        kind = "your edited word list" if active.custom_lexicon else "the bundled word list"
        st.markdown(f"**Word list:** {kind}, version `{lexicon.version}`, {len(lexicon):,} entries")
        ignored = ignored_terms()
        if ignored:
            st.markdown(f"**Ignore list:** {reviewer_label()} hides {len(ignored)} term(s) (see *Reviewer feedback*).")
        st.markdown(f"**Limits:** {LIMITS_TEXT}")
        st.caption(
            "Flags are prompts for an editor's judgement, not verdicts: a loaded word can be right in context "
            "(for example inside a quote you are reporting)."
        )


# ---- results -----------------------------------------------------------------------------------------


def run_annotation(active: Active, text: str) -> Document | None:
    try:
        t0 = time.perf_counter()
        doc = annotate_cached(text, active.key, active.annotator)
        st.session_state["_last_run_ms"] = (time.perf_counter() - t0) * 1000
        return doc
    except InputError as exc:
        st.error(f"Cannot annotate this text: {plain(exc)}.")
    return None


def of_total(shown: str, total: str) -> str:
    """A card value that says when the filters hide some: "0 of 4", or just "4" when nothing is hidden."""
    return shown if shown == total else f"{shown} of {total}"


def render_summary(view: Document, full: Document, model_status: str = "") -> None:
    """The four cards, each with the number after the filters and, when they differ, the article's total."""
    head, whole = headline(view), headline(full)
    filtered = " Filtered by the settings in the sidebar and above; the second number is the whole article."
    cols = st.columns(4)
    cols[0].metric(
        "Sentences read as biased",
        of_total(head.biased_share, whole.biased_share),
        help=head.biased_help + (filtered if head.biased_share != whole.biased_share else ""),
        border=True,
    )
    cols[1].metric(
        "Loaded terms per 100 words",
        of_total(head.loaded_per_100, whole.loaded_per_100),
        help=head.loaded_help + (filtered if head.loaded_per_100 != whole.loaded_per_100 else ""),
        border=True,
    )
    cols[2].metric(
        "Anonymous sources",
        of_total(head.anonymous_sources, whole.anonymous_sources),
        help="Unnamed or vague sources (a source close to…, experts believe…)."
        + (filtered if head.anonymous_sources != whole.anonymous_sources else ""),
        border=True,
    )
    cols[3].metric(
        "Flags shown",
        of_total(str(len(view.annotations)), str(len(full.annotations))),
        help="After the filters in the sidebar, the category buttons and your ignore list.",
        border=True,
    )
    if view.meta.get("model"):
        model = f"**Classifier:** {head.model_name} ({head.model_quality})"
    else:
        reason = model_status or "no model file"
        model = f"**Classifier not available** ({reason}): sentence bias scores are switched off."
    st.markdown(f"**Top categories:** {head.top_categories}  \n{model}")


def tooltip_placement() -> None:
    """Tooltips near the bottom of the window open above their highlight (a fixed script of ours in a
    one-pixel iframe, acting on the page around it; it installs itself once per page)."""
    st.iframe(f"<script>{tooltip_script('window.parent.document', 'window.parent')}</script>", height=1)


def render_article(view: Document) -> None:
    styles = category_styles()
    tooltip_placement()
    st.html(f"<style>{ARTICLE_CSS}</style>" + legend_html(view, styles))
    left, right = st.columns([5, 2], gap="large")
    with left:
        st.html(article_html(view, styles))
    with right:
        st.html(side_panel_html(view))


def render_charts(view: Document) -> None:
    figures = all_figures(view, category_styles())
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
    left, right = st.columns(2)
    left.plotly_chart(figures["categories"], config=config, key="chart_categories")
    right.plotly_chart(figures["terms"], config=config, key="chart_terms")
    left, right = st.columns(2)
    left.plotly_chart(figures["bias"], config=config, key="chart_bias")
    right.plotly_chart(figures["voice"], config=config, key="chart_voice")


SENTENCE_COLUMNS = {
    "#": st.column_config.NumberColumn("#", width=40),
    "Sentence": st.column_config.TextColumn("Sentence", width="large"),
    "Bias": st.column_config.ProgressColumn("Bias", min_value=0.0, max_value=1.0, format="%.2f", width=90),
    "Top words": st.column_config.TextColumn(
        "Top words", help="Words that pushed the score (+ up, - down)", width="medium"
    ),
    "Flags": st.column_config.NumberColumn("Flags", help="Highlights in this sentence", width=60),
}
FLAG_COLUMNS = {
    "#": st.column_config.NumberColumn("#", width=40, pinned=True),
    "Text": st.column_config.TextColumn("Text", width=170, pinned=True),
    "Count": st.column_config.NumberColumn("Uses", help="How often the article uses this term", width=55),
    "Category": st.column_config.TextColumn("Category", width=150),
    "Score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f", width=90),
    "Why": st.column_config.TextColumn("Why", width="large"),
    "Neutral wording": st.column_config.TextColumn("Neutral wording", width="medium"),
    "Where": st.column_config.TextColumn("Where", help="Sentence numbers (see the Sentences tab) and offsets"),
}
ROW_HEIGHT = feedback_page.ROW_HEIGHT  # tall enough for the grid to wrap long sentences instead of cutting them


def render_sentences(view: Document) -> None:
    scored = any(s.bias is not None for s in view.sentences)
    row_height = row_height_for([view.evidence(s.span) for s in view.sentences])  # whole sentences, not cut
    if not scored:
        st.caption("Click a column header to sort. No bias scores: the classifier is not available.")
        st.dataframe(
            sentence_table(view),
            hide_index=True,
            key="sentence_table",
            column_order=["#", "Sentence", "Voice", "Kind", "Flags"],
            column_config=SENTENCE_COLUMNS,
            row_height=row_height,
        )
        return
    st.caption(
        "Bias is the classifier's score from 0 (neutral) to 1 (biased). Do you agree with a score? Select the "
        "sentence (the box at the left of its row) and press **Agree** or **Disagree**; your calls are saved at "
        "once and can teach the model (`annotator train --feedback`)."
    )
    if not feedback_page.sentence_editor(view, SENTENCE_COLUMNS, row_height):
        st.dataframe(
            sentence_table(view),
            hide_index=True,
            key="sentence_table",
            column_config=SENTENCE_COLUMNS,
            row_height=row_height,
        )


def render_flags(view: Document) -> None:
    if not view.annotations:
        st.info("Nothing flagged with the current settings.")
        feedback_page.ignore_controls()
        return
    st.caption(
        "One row per term: a word the article repeats is one row, with how often and where. Is a flag right in "
        "this article? Select rows (the box at the left) and press **Agree** or **Disagree**; a call on a "
        "repeated term counts for every use. Calls are saved at once and shown again next time you annotate "
        "this text. Click a column header to sort."
    )
    if not feedback_page.flag_editor(view, FLAG_COLUMNS):
        st.dataframe(
            pd.DataFrame(grouped_annotation_rows(view), columns=list(GROUPED_COLUMNS)),
            hide_index=True,
            key="flag_table",
            column_config=FLAG_COLUMNS,
            row_height=ROW_HEIGHT,
        )
    feedback_page.ignore_controls()


def render_rewrites(view: Document) -> None:
    rewrites = neutral_rewrites(view)
    st.caption(
        "Each flagged sentence with its loaded terms swapped for the first neutral alternative: removed words are "
        "struck through, the neutral wording is highlighted. A starting point for an edit, not a finished "
        "sentence: words inside direct quotes are never changed, and grammar may need a touch."
    )
    st.html(f"<style>{REWRITE_CSS}</style>" + rewrites_html(view, rewrites))


def _writer(view: Document, fmt: str, title: str) -> Callable[[], bytes]:
    def make() -> bytes:
        if fmt == "html":
            from annotator.export.html_writer import to_html

            return to_html(view, title=title)
        if fmt == "docx":
            from annotator.export.docx_writer import to_docx

            return to_docx(view, title=title)
        return write(view, fmt)

    return make


def render_downloads(view: Document, source_name: str | None) -> None:
    title = article_title(view, source_name)
    cols = st.columns(len(EXPORTS))
    for col, (fmt, label, ext, mime) in zip(cols, EXPORTS, strict=True):
        if fmt not in WRITERS:
            continue
        col.download_button(
            label,
            data=_writer(view, fmt, title),
            file_name=report_filename(view, ext, source_name=source_name),
            mime=mime,
            key=f"download_{fmt}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
    st.caption("Reports use the filters above. The HTML report works offline and keeps the hover explanations.")


def scroll_to_results() -> None:
    """Once after Annotate (or loading a file or sample): scroll the page so the results are in view.

    The results start below the input box, out of sight after a paste; a one-pixel iframe with a fixed
    script of ours (never user content) scrolls its parent page to the anchor above the summary, a few
    times while the results are drawn, and never again once the reader scrolls, types or clicks."""
    if not st.session_state.pop(SCROLL, False):
        st.empty()  # same number of elements on every run, so nothing below shifts (no stale copies)
        return
    st.iframe(
        """<script>
        const doc = window.parent.document;
        let last = null, stop = false;
        for (const kind of ["wheel", "keydown", "pointerdown", "touchstart"]) {
          doc.addEventListener(kind, () => { stop = true; }, {once: true, capture: true});
        }
        const scroller = (el) => {
          for (let p = el.parentElement; p; p = p.parentElement) {
            if (p.scrollHeight > p.clientHeight && /auto|scroll/.test(getComputedStyle(p).overflowY)) { return p; }
          }
          return doc.scrollingElement;
        };
        const go = (tries) => {
          if (stop) { return; }
          const anchor = doc.getElementById("fa-results");
          if (anchor) {
            const box = scroller(anchor);
            if (last !== null && Math.abs(box.scrollTop - last) > 2) { return; }  // someone else scrolled: leave it
            anchor.scrollIntoView({block: "start"});
            last = box.scrollTop;
          }
          if (tries > 0) { setTimeout(() => go(tries - 1), 150); }  // again while the results finish drawing
        };
        go(6);
        </script>""",
        height=1,
    )


def category_pills(doc: Document, settings: ViewSettings) -> ViewSettings:
    """One click hides a category (and another click shows it again), for every view and export below."""
    styles = category_styles()
    counts = Counter(a.category for a in apply_view(doc, replace(settings, categories=None)).annotations)
    hidden = [c for c in st.session_state.get(HIDDEN_CATEGORIES, []) if c in styles]
    options = sorted(set(counts) | set(hidden), key=lambda c: style_for(c, styles).order)
    if not options:
        return settings
    st.session_state[HIDDEN_CATEGORIES] = hidden
    st.pills(
        "Hide a category (click again to show it)",
        options,
        selection_mode="multi",
        key=HIDDEN_CATEGORIES,
        format_func=lambda c: f"{styles[c].name if c in styles else c} ({counts.get(c, 0)})",
        help="A hidden category is left out of the highlights, tables, charts and downloads.",
    )
    chosen = set(st.session_state.get(HIDDEN_CATEGORIES) or [])
    if not chosen:
        return settings
    shown = (settings.categories if settings.categories is not None else frozenset(styles)) - chosen
    return replace(settings, categories=frozenset(shown))


def on_show_ignored(reviewer: str | None) -> None:
    st.session_state[SHOW_IGNORED] = reviewer


def ignore_list_notice(doc: Document | list[Document], settings: ViewSettings) -> ViewSettings:
    """Apply the reviewer's ignore list and say so: how many terms and flags it hides (in one article or in
    the two compared), with one click to show them."""
    ignored = ignored_terms()
    if not ignored:
        return settings
    reviewer = reviewer_name()
    hiding = replace(settings, ignore_terms=frozenset(ViewSettings.make(ignore_terms=ignored).ignore_terms))
    hidden, terms_found = [], set()
    for one in doc if isinstance(doc, list) else [doc]:
        kept = set(apply_view(one, hiding).annotations)
        gone = [a for a in apply_view(one, settings).annotations if a not in kept]
        hidden += gone
        terms_found |= {a.term or one.evidence(a.span) for a in gone}
    terms = sorted(terms_found, key=str.lower)
    if not hidden:
        return hiding
    whose = reviewer_label(reviewer)
    if st.session_state.get(SHOW_IGNORED) == reviewer:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.info(
            f"Showing {len(hidden)} flag(s) of {len(terms)} term(s) that {whose} ignore list hides: "
            + plain(", ".join(terms)),
            icon=":material/visibility:",
        )
        right.button("Hide them", key="hide_ignored", on_click=on_show_ignored, args=(None,), width="stretch")
        return settings
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(
        f"{len(terms)} term(s) hidden by {whose} ignore list ({len(hidden)} flag(s)): " + plain(", ".join(terms)),
        icon=":material/visibility_off:",
    )
    right.button("Show them", key="show_ignored", on_click=on_show_ignored, args=(reviewer,), width="stretch")
    return hiding


def render_results(engine: Engine, settings: ViewSettings) -> None:
    text = st.session_state.get(SUBMITTED)
    if not text:
        return
    active = active_annotator(engine)
    doc = run_annotation(active, text)
    if doc is None:
        return
    st.html('<div id="fa-results" style="scroll-margin-top:4.5rem"></div>')  # clear of the sticky page bar
    scroll_to_results()
    if st.session_state.get(ARTICLE) != text:
        st.info("The text in the box has changed since these results. Press **Annotate** to update them.")
    if active.lexicon_errors:
        st.warning(
            f"{len(active.lexicon_errors)} row(s) of your word list have problems and are skipped; the other rows "
            "apply. Fix them on the **Word list** page.",
            icon=":material/rule:",
        )
    settings = ignore_list_notice(doc, settings)
    settings = category_pills(doc, settings)
    view = apply_view(doc, settings)
    st.subheader("Summary")
    render_summary(view, doc, engine.model_status)
    st.markdown("**Download the annotated article**")
    render_downloads(view, st.session_state.get(SOURCE))
    rewrites = len(neutral_rewrites(view))
    tabs = st.tabs(["Highlighted article", "Charts", "Sentences", "Flags", f"Neutral rewrites ({rewrites})"])
    with tabs[0]:
        render_article(view)
    with tabs[1]:
        render_charts(view)
    with tabs[2]:
        render_sentences(view)
    with tabs[3]:
        render_flags(view)
    with tabs[4]:
        render_rewrites(view)
