"""The Compare page: two articles side by side, their framing profiles, and the words each one chooses.

Both texts go through the session's annotator and the sidebar filters, so the comparison shows exactly what
the main page would show for each. Exports: a self-contained HTML report and JSON (``annotator.export.
compare_html``), the same as ``annotator compare A B`` on the command line.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from annotator.charts import SIDE_COLOURS, compare_figures
from annotator.compare import Comparison, compare
from annotator.export.compare_html import compare_filename, to_compare_html, to_compare_json
from annotator.filters import ViewSettings, apply_view
from annotator.ingest import MAX_BYTES, IngestError, extract_text
from annotator.pipeline import InputError
from annotator.render.article import ARTICLE_CSS, article_html, legend_html
from annotator.render.palette import category_styles
from annotator.render.tables import pair_rows, profile_table, side_labels, term_rows
from annotator.ui.app import UPLOAD_TYPES, check_pasted, ignore_list_notice, sample_files
from annotator.ui.engine import Engine
from annotator.ui.plain import plain
from annotator.ui.session import active_annotator, annotate_cached

SIDES = ("a", "b")
SUBMITTED = "compare_submitted"  # (text_a, text_b, name_a, name_b) of the last comparison
NOTICE = "compare_notice"  # {side: (level, message)}
PAIR_A, PAIR_B = "separatist_referendum.txt", "separatist_referendum_kyiv_framing.txt"


def text_key(side: str) -> str:
    return f"compare_text_{side}"


def name_key(side: str) -> str:
    return f"compare_name_{side}"


def _notice(side: str, level: str, message: str) -> None:
    notices = dict(st.session_state.get(NOTICE) or {})
    notices[side] = (level, message)
    st.session_state[NOTICE] = notices


def _load(side: str, text: str, name: str) -> None:
    st.session_state[text_key(side)] = text
    st.session_state[name_key(side)] = name


def on_upload(side: str) -> None:
    uploaded = st.session_state.get(f"compare_upload_{side}")
    if uploaded is None:
        return
    if uploaded.size > MAX_BYTES:
        size = f"{uploaded.size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
        _notice(side, "error", f"{plain(uploaded.name)} is {size}.")
        return
    try:
        text = extract_text(uploaded.getvalue(), uploaded.name)
    except IngestError as exc:
        _notice(side, "error", f"Could not use that file. {plain(exc)}")
        return
    _load(side, text, uploaded.name.rsplit(".", 1)[0])
    _notice(side, "success", f"Loaded {plain(uploaded.name)} ({len(text.split()):,} words).")


def on_sample(side: str) -> None:
    name = st.session_state.get(f"compare_sample_{side}")
    path = sample_files().get(name or "")
    if path is None:
        return
    _load(side, path.read_text(encoding="utf-8"), name or path.stem)
    _notice(side, "success", f"Loaded the sample “{name}”.")


def on_load_pair() -> None:
    """The two bundled framings of the same (fictional) referendum: a ready-made demonstration."""
    by_file = {path.name: name for name, path in sample_files().items()}
    for side, file_name in zip(SIDES, (PAIR_A, PAIR_B), strict=True):
        name = by_file.get(file_name)
        if name is None:
            continue
        st.session_state[f"compare_sample_{side}"] = name
        on_sample(side)
    on_compare()


def on_compare() -> None:
    texts = [st.session_state.get(text_key(side), "") or "" for side in SIDES]
    problems = {side: check_pasted(text) for side, text in zip(SIDES, texts, strict=True)}
    st.session_state[NOTICE] = {side: ("warning", p) for side, p in problems.items() if p}
    if any(problems.values()):
        st.session_state[SUBMITTED] = None
        return
    names = [(st.session_state.get(name_key(side)) or "").strip() or side.upper() for side in SIDES]
    st.session_state[SUBMITTED] = (*texts, *names)


def _side_heading(label: str, colour: str) -> str:
    """A colour key and the (escaped) name of one side, matching the chart colours."""
    swatch = (
        f'<span style="display:inline-block;width:.8rem;height:.8rem;border-radius:2px;background:{colour};'
        'margin-right:.45rem;vertical-align:-.05rem"></span>'
    )
    return f'<div style="font:600 1rem/1.5 system-ui,sans-serif;margin:.2rem 0 .3rem">{swatch}{escape(label)}</div>'


def render_inputs() -> None:
    samples = sample_files()
    st.session_state.setdefault(name_key("a"), "")
    st.session_state.setdefault(name_key("b"), "")
    notices = st.session_state.get(NOTICE) or {}
    columns = st.columns(2, gap="large")
    for side, column, colour in zip(SIDES, columns, SIDE_COLOURS, strict=True):
        label = side.upper()
        with column:
            st.html(_side_heading(f"Article {label}", colour))
            name, pick = st.columns(2)
            name.text_input(
                f"Name of article {label}",
                key=name_key(side),
                placeholder=f"Outlet {label}",
                help="Shown in the charts, tables and reports (e.g. the outlet).",
            )
            if samples:
                pick.selectbox(
                    f"…or a sample for {label}",
                    list(samples),
                    index=None,
                    key=f"compare_sample_{side}",
                    on_change=on_sample,
                    args=(side,),
                    placeholder="Choose a sample",
                )
            st.text_area(
                f"Text of article {label}",
                key=text_key(side),
                height=200,
                placeholder="Paste the article here…",
            )
            st.file_uploader(
                f"…or upload article {label}",
                type=UPLOAD_TYPES,
                key=f"compare_upload_{side}",
                on_change=on_upload,
                args=(side,),
            )
            if side in notices:
                level, message = notices[side]
                {"warning": st.warning, "error": st.error, "success": st.success}.get(level, st.info)(message)
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.button("Compare", type="primary", on_click=on_compare, icon=":material/compare_arrows:", key="compare_run")
    if PAIR_A in {p.name for p in samples.values()} and PAIR_B in {p.name for p in samples.values()}:
        right.button(
            "Try it: one referendum, two framings",
            on_click=on_load_pair,
            type="tertiary",
            key="compare_demo",
            help="Loads two sample articles about the same (fictional) referendum written from opposite sides.",
        )


def _term_table(cmp: Comparison, where: str, title: str) -> None:
    rows = term_rows(cmp, where)
    st.markdown(f"**{plain(title)}** ({len(rows)})")
    if not rows:
        st.caption("None.")
        return
    st.dataframe(
        rows,
        hide_index=True,
        key=f"compare_terms_{where}",
        column_config={
            "Term": st.column_config.TextColumn("Term", width=150, pinned=True),
            "Category": st.column_config.TextColumn("Category", width=170),
            "Uses in A": st.column_config.NumberColumn("Uses in A", width=80),
            "Uses in B": st.column_config.NumberColumn("Uses in B", width=80),
            "Neutral wording": st.column_config.TextColumn("Neutral wording", width="large"),
        },
    )


def render_comparison(cmp: Comparison) -> None:
    label_a, label_b = side_labels(cmp)
    st.subheader("Framing profiles")
    profiles = profile_table(cmp)
    st.dataframe(
        profiles,
        hide_index=True,
        key="compare_profiles",
        height=38 + 35 * len(profiles),
        column_config={"What it means": st.column_config.TextColumn("What it means", width="large")},
    )
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Comparison report (HTML)",
        data=lambda: to_compare_html(cmp),
        file_name=compare_filename(cmp, "html"),
        mime="text/html",
        key="compare_download_html",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    right.download_button(
        "Comparison data (JSON)",
        data=lambda: to_compare_json(cmp),
        file_name=compare_filename(cmp, "json"),
        mime="application/json",
        key="compare_download_json",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )

    figures = compare_figures(cmp, category_styles())
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
    left, right = st.columns(2)
    left.plotly_chart(figures["categories"], config=config, key="compare_chart_categories")
    right.plotly_chart(figures["bias"], config=config, key="compare_chart_bias")
    left, right = st.columns(2)
    left.plotly_chart(figures["devices"], config=config, key="compare_chart_devices")
    right.plotly_chart(figures["voice"], config=config, key="compare_chart_voice")

    st.subheader("Loaded terms")
    st.caption("Terms from the word list, by which article uses them (inflections and variants count as one term).")
    left, right = st.columns(2)  # two wide tables side by side, so every column (category too) fits
    with left:
        _term_table(cmp, "A", f"Only {label_a}")
    with right:
        _term_table(cmp, "B", f"Only {label_b}")
    _term_table(cmp, "both", "Both")
    st.markdown("**Same event, different words**")
    pairs = pair_rows(cmp)
    if pairs:
        st.caption("A loaded term in one article where the other uses one of its neutral alternatives.")
        st.dataframe(
            pairs,
            hide_index=True,
            key="compare_pairs",
            column_config={"Category": st.column_config.TextColumn("Category", width="medium")},
        )
    else:
        st.caption("No loaded term in one article has its neutral alternative in the other.")

    st.subheader("The two articles")
    styles = category_styles()
    st.html(f"<style>{ARTICLE_CSS}.fa-article{{max-width:none}}</style>")
    columns = st.columns(2, gap="large")
    for column, label, doc, colour in zip(columns, (label_a, label_b), (cmp.a, cmp.b), SIDE_COLOURS, strict=True):
        with column:
            st.html(_side_heading(label, colour) + legend_html(doc, styles) + article_html(doc, styles))


def render_results(engine: Engine, settings: ViewSettings) -> None:
    submitted = st.session_state.get(SUBMITTED)
    if not submitted:
        return
    text_a, text_b, name_a, name_b = submitted
    active = active_annotator(engine)
    try:
        docs = [annotate_cached(text, active.key, active.annotator) for text in (text_a, text_b)]
    except InputError as exc:
        st.error(f"Cannot compare these texts: {plain(exc)}.")
        return
    current = [st.session_state.get(text_key(side)) for side in SIDES]
    if current != [text_a, text_b]:
        st.info("A text has changed since this comparison. Press **Compare** to update it.")
    settings = ignore_list_notice(docs, settings)  # the reviewer's ignore list, said and undoable here too
    view_a, view_b = (apply_view(doc, settings) for doc in docs)
    render_comparison(compare(view_a, view_b, name_a, name_b))
