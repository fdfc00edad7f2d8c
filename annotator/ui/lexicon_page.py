"""The Word list page: upload a CSV lexicon, edit the active list in a table, download it, try it on a sentence.

The edited table is this session's word list (``session.LEXICON_TABLE``); every page annotates with it at
once. Rows with problems are listed under the table and skipped; the other rows apply. The bundled list stays
cached and untouched for everyone else.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annotator.lexicon import LexiconError
from annotator.lexicon.loader import MAX_LEXICON_BYTES, SEVERITIES, load_categories, read_upload
from annotator.render.article import ARTICLE_CSS, article_html
from annotator.ui.engine import Engine
from annotator.ui.lexicon_table import (
    ADDED,
    BUNDLED,
    bundled_table,
    error_rows,
    merge_upload,
    rows_to_table,
    table_csv,
    table_digest,
    validate_table,
)
from annotator.ui.plain import plain
from annotator.ui.session import LEXICON_DIGEST, LEXICON_TABLE, active_annotator, set_lexicon_table

UPLOAD = "lexicon_upload"
UPLOAD_MODE = "lexicon_upload_mode"
EDITOR_VERSION = "_lexicon_editor_version"  # bumped to give the editor a fresh start (upload, reset)
EDITOR_BASE = "_lexicon_editor_base"  # the table the current editor started from
NOTICE = "lexicon_notice"
COLUMN_ORDER = ["enabled", "term", "category", "severity", "match", "variants", "alternatives", "explanation"]
COLUMN_ORDER += ["note", "literal_context", "source"]
MODES = ("Add to the current list", "Replace the current list")


@st.cache_data(show_spinner=False)
def bundled_digest() -> str:
    return table_digest(bundled_table())


def _editor_key() -> str:
    return f"lexicon_editor_{st.session_state.get(EDITOR_VERSION, 0)}"


def _current() -> pd.DataFrame:
    table = st.session_state.get(LEXICON_TABLE)
    return table if table is not None else bundled_table()


def _restart_editor(table: pd.DataFrame | None) -> None:
    set_lexicon_table(table)
    st.session_state[EDITOR_VERSION] = st.session_state.get(EDITOR_VERSION, 0) + 1
    st.session_state.pop(EDITOR_BASE, None)


def on_upload() -> None:
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        return
    if uploaded.size > MAX_LEXICON_BYTES:
        st.session_state[NOTICE] = ("error", f"{plain(uploaded.name)} is larger than {MAX_LEXICON_BYTES:,} bytes.")
        return
    try:
        rows, unreadable = read_upload(uploaded.getvalue(), uploaded.name)
    except LexiconError as exc:
        st.session_state[NOTICE] = ("error", f"Could not use that file. {plain(exc)}")
        return
    skipped = ""
    if unreadable:
        listed = "; ".join(str(e) for e in unreadable[:5]) + (" …" if len(unreadable) > 5 else "")
        skipped = f" Skipped {len(unreadable)} row(s) that cannot be read: {plain(listed)}"
    if not rows:
        level = "error" if unreadable else "warning"
        st.session_state[NOTICE] = (level, f"{plain(uploaded.name)} has no usable rows.{skipped}")
        return
    table = rows_to_table(rows, uploaded.name)
    replace = st.session_state.get(UPLOAD_MODE) == MODES[1]
    merged = merge_upload(_current(), table, replace=replace)
    _restart_editor(merged)
    _, errors = validate_table(table)
    bad = f" {len(errors)} of them have problems (listed under the table) and are skipped." if errors else ""
    verb = "Replaced the list with" if replace else "Added"
    level = "warning" if unreadable else "success"
    st.session_state[NOTICE] = (level, f"{verb} {len(rows)} row(s) from {plain(uploaded.name)}.{bad}{skipped}")


def on_reset() -> None:
    _restart_editor(None)
    st.session_state[NOTICE] = ("success", "Back to the bundled word list.")


def _show_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        level, message = notice
        {"success": st.success, "error": st.error, "warning": st.warning}.get(level, st.info)(message)


def render_word_list_page(engine: Engine) -> None:
    categories = load_categories()
    st.markdown(
        "The word list decides which loaded terms are highlighted. Tune it to your beat: **upload** a CSV, "
        "**edit** entries in the table (tick *enabled* off to switch one off, add rows at the bottom), and "
        "**download** the result to keep it or to use it with `annotator annotate --lexicon`. Changes apply to "
        "your session at once, on every page; other users keep the bundled list."
    )
    st.session_state.setdefault(UPLOAD_MODE, MODES[0])
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.file_uploader(
            "Upload a word list (CSV)",
            type=["csv"],
            key=UPLOAD,
            on_change=on_upload,
            help="Columns: term, variants, category, severity, explanation, alternatives, note, match, enabled "
            "(see *Lexicon file format* in the README). Rows with problems are listed and skipped.",
        )
    with right:
        st.radio("Uploaded rows", MODES, key=UPLOAD_MODE, help="Add: your rows win where a term is in both lists.")
    _show_notice()

    # The editor keeps its edits relative to the table it started from; a fresh editor (first visit, after
    # an upload or a visit to another page) starts from the current list, edits included.
    key = _editor_key()
    if key not in st.session_state or EDITOR_BASE not in st.session_state:
        st.session_state[EDITOR_BASE] = _current()
    base = st.session_state[EDITOR_BASE]
    edited = st.data_editor(
        base,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        height=420,
        placeholder="",
        column_order=COLUMN_ORDER,
        column_config={
            "enabled": st.column_config.CheckboxColumn("enabled", default=True, width=80, help="Untick to switch off"),
            "term": st.column_config.TextColumn("term", width="medium", required=True),
            "category": st.column_config.SelectboxColumn(
                "category", options=list(categories), width="medium", help="One of the categories listed below"
            ),
            "severity": st.column_config.SelectboxColumn("severity", options=list(SEVERITIES), width="small"),
            "match": st.column_config.SelectboxColumn(
                "match",
                options=["stem", "exact"],
                width="small",
                help="stem (default): inflections match; exact: only the listed forms",
            ),
            "variants": st.column_config.TextColumn("variants", help="Other forms, separated by |"),
            "alternatives": st.column_config.TextColumn("alternatives", help="Neutral wordings, best first, | apart"),
            "explanation": st.column_config.TextColumn("explanation", width="large"),
            "note": st.column_config.TextColumn("note", width="medium"),
            "literal_context": st.column_config.TextColumn(
                "literal_context", help="Words that mark a literal use (| apart): no flag when one is near"
            ),
            "source": st.column_config.TextColumn("source", disabled=True, help="Where the row came from"),
        },
    )
    edited = edited.copy()
    edited["source"] = edited["source"].fillna(ADDED).replace("", ADDED)
    digest = table_digest(edited)
    changed = digest != bundled_digest()
    if not changed:
        set_lexicon_table(None)
    elif digest != st.session_state.get(LEXICON_DIGEST):
        set_lexicon_table(edited)

    entries, errors = validate_table(edited, categories)
    enabled = int(edited["enabled"].fillna(True).astype(bool).sum())
    status = (
        f"**{len(entries):,} entries active** ({enabled:,} enabled rows of {len(edited):,}"
        f"{f', {len(errors)} with problems' if errors else ''}). "
    )
    status += "This is your edited list." if changed else "This is the bundled list, unchanged."
    st.markdown(status)
    if errors:
        st.warning(
            f"{len(errors)} row(s) have problems and are skipped; everything else applies. Fix them in the table "
            "(search with the magnifier above the table) or untick *enabled*.",
            icon=":material/rule:",
        )
        st.dataframe(
            pd.DataFrame(error_rows(errors)),
            hide_index=True,
            key="lexicon_errors",
            column_config={"Problem": st.column_config.TextColumn("Problem", width="large")},
        )

    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Download this list (CSV)",
        data=table_csv(edited),
        file_name="word_list.csv" if changed else "loaded_terms.csv",
        mime="text/csv",
        key="lexicon_download",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    right.button(
        "Back to the bundled list", on_click=on_reset, disabled=not changed, key="lexicon_reset", width="stretch"
    )

    st.subheader("Try it")
    sample = st.text_input(
        "A sentence to test the list on",
        key="lexicon_try",
        placeholder="e.g. Developers slammed the zoning grab as NIMBY obstruction.",
    )
    if sample.strip():
        active = active_annotator(engine)
        doc = active.annotator.annotate(sample)
        hits = [a for a in doc.annotations if a.detector == "lexicon"]
        st.html(f"<style>{ARTICLE_CSS}</style>" + article_html(doc))
        st.caption(f"{len(hits)} word-list hit(s). Hover a highlight for its explanation.")

    with st.expander("Categories and severities"):
        st.dataframe(
            pd.DataFrame(
                [{"category": c.id, "label": c.label, "description": c.description} for c in categories.values()]
            ),
            hide_index=True,
            key="lexicon_categories",
        )
        st.markdown("Severity sets a flag's score: " + ", ".join(f"`{k}` = {v}" for k, v in SEVERITIES.items()) + ".")
    st.caption(f"Rows from the bundled list are marked *{BUNDLED}* in the source column.")
