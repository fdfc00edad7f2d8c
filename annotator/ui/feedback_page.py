"""Reviewer feedback in the app: agree/disagree on the Flags and Sentences tabs, each reviewer's ignore list,
and the Reviewer feedback page (database path, exports, every decision).

A reviewer selects rows (one click on the box at the left of a row; a grouped term stands for all its uses)
and presses **Agree** or **Disagree**: visible buttons, not a grid cell to double-click. Calls are written to
the SQLite feedback database at once, under the reviewer's name. If the database cannot be used, the tables
stay read-only and a message says why; annotating works.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import streamlit as st

from annotator.document import Document
from annotator.feedback import ENV_VAR, Decision, FeedbackError, text_hash
from annotator.ui import feedback_table as ft
from annotator.ui.plain import plain
from annotator.ui.session import (
    feedback_path,
    feedback_store,
    ignored_terms,
    reviewer_input,
    reviewer_label,
    reviewer_name,
)

NOTICE = "feedback_notice"  # (level, message) after an ignore-list action
CALL_NOTICE = "feedback_call_notice"  # (level, message) after agree/disagree
ROW_HEIGHT = 72  # px: above 4rem the grid wraps long text instead of cutting it

_CALL_COLUMN = st.column_config.TextColumn(
    ft.DECISION, help="Your call, saved in the feedback database: agree, disagree or mixed (uses differ).", width=100
)
_NOTE_COLUMN = st.column_config.TextColumn(ft.NOTE, help="Your note, saved with your call", width="medium")
TABLE_KEYS = "_feedback_table_keys"  # {"flags": widget key, "sentences": widget key} of the tables on the page


def _feedback_off(problem: str) -> None:
    st.warning(f"Reviewer feedback is off: {problem}. Highlights and scores work as usual.", icon=":material/database:")


def _stored_decisions(text: str) -> list[Decision] | None:
    store, problem = feedback_store()
    if store is None:
        _feedback_off(problem)
        return None
    try:
        return store.decisions(text_hash(text), reviewer=reviewer_name())
    except FeedbackError as exc:
        _feedback_off(str(exc))
        return None


def _mark(view: Document, table: ft.FeedbackTable, kind: str, call: str | None) -> None:
    """Button callback: save ``call`` (None: clear) on the rows selected in the table, with the note typed.
    The message goes to the table's own tab (``kind``), not to whichever tab draws first."""
    what = "terms" if kind == "flags" else "sentences"
    notice = f"{CALL_NOTICE}_{kind}"
    store, problem = feedback_store()
    if store is None:
        st.session_state[notice] = ("error", f"Reviewer feedback is off: {problem}")
        return
    selection = st.session_state.get(table.table_key) or {}
    rows = list((selection.get("selection") or {}).get("rows") or [])
    if not rows:
        st.session_state[notice] = ("info", f"Select one or more {what} first (the box at the left of a row).")
        return
    reviewer = reviewer_name()
    note_key = f"{table.table_key}_note"
    try:
        if call is None:
            for target, start, end, detector in ft.selected_keys(table, rows):
                store.forget(text_hash(view.text), target, start, end, detector, reviewer)
        else:
            for decision in ft.calls_for(view, table, rows, call, st.session_state.get(note_key, ""), reviewer):
                store.record(decision)
    except FeedbackError as exc:
        st.session_state[notice] = ("error", f"Could not save your call: {exc}")
        return
    st.session_state[note_key] = ""
    done = "Cleared the call on" if call is None else f"Saved “{call}” on"
    who = plain(reviewer) if reviewer else "the unnamed reviewer"
    st.session_state[notice] = ("success", f"{done} {len(rows)} row(s) for {who}.")


def _call_table(
    view: Document,
    table: ft.FeedbackTable,
    stored: list[Decision],
    column_config: dict[str, Any],
    kind: str,
    row_height: int = ROW_HEIGHT,
) -> None:
    """A read-only table whose rows can be selected, and visible agree/disagree buttons for the selection."""
    what = "terms" if kind == "flags" else "sentences"
    config = {**column_config, ft.DECISION: _CALL_COLUMN, ft.NOTE: _NOTE_COLUMN}
    st.session_state.setdefault(TABLE_KEYS, {})[kind] = table.table_key
    st.dataframe(
        table.frame,
        key=table.table_key,
        hide_index=True,
        on_select="rerun",
        selection_mode="multi-row",
        column_config=config,
        row_height=row_height,
        height=min(40 + row_height * len(table.frame), 640),
    )
    selection = st.session_state.get(table.table_key) or {}
    rows = list((selection.get("selection") or {}).get("rows") or [])
    note, agree, disagree, clear = st.columns([4, 1.3, 1.3, 1], vertical_alignment="bottom")
    note.text_input(
        "Note (optional, saved with your call)",
        key=f"{table.table_key}_note",
        max_chars=500,
        placeholder=f"Why? Select {what} with the box at the left of a row, then agree or disagree",
    )
    label = f" ({len(rows)})" if rows else ""
    agree.button(f"Agree{label}", key=f"{kind}_agree", icon=":material/check:", on_click=_mark,
                 args=(view, table, kind, "agree"), disabled=not rows, width="stretch")  # fmt: skip
    disagree.button(f"Disagree{label}", key=f"{kind}_disagree", icon=":material/close:", on_click=_mark,
                    args=(view, table, kind, "disagree"), disabled=not rows, width="stretch")  # fmt: skip
    clear.button("Clear", key=f"{kind}_clear", on_click=_mark, args=(view, table, kind, None), disabled=not rows,
                 type="tertiary", width="stretch", help="Remove your call on the selected rows")  # fmt: skip
    notice = st.session_state.pop(f"{CALL_NOTICE}_{kind}", None)
    if notice:
        level, message = notice
        {"success": st.success, "error": st.error}.get(level, st.info)(message)
    earlier = sum(1 for d in stored if d.target == table.keys[0][0][0]) if table.keys else 0
    if earlier:
        st.caption(f"{earlier} call(s) by you on this text are in the feedback database (`{feedback_path()}`).")


def flag_editor(view: Document, column_config: dict[str, Any]) -> bool:
    """The Flags table (one row per term) with your calls and agree/disagree buttons; False if feedback is off
    (the caller shows a plain table)."""
    stored = _stored_decisions(view.text)
    if stored is None:
        return False
    _call_table(view, ft.flag_feedback_table(view, stored), stored, column_config, "flags")
    return True


def sentence_editor(view: Document, column_config: dict[str, Any], row_height: int = ROW_HEIGHT) -> bool:
    """The Sentences table with your calls and agree/disagree buttons; False if feedback is off."""
    stored = _stored_decisions(view.text)
    if stored is None:
        return False
    table = ft.sentence_feedback_table(view, stored)
    _call_table(view, table, stored, column_config, "sentences", row_height)
    return True


# ---- ignore list -------------------------------------------------------------------------------------------


def on_ignore_rejected() -> None:
    store, problem = feedback_store()
    if store is None:
        st.session_state[NOTICE] = ("error", f"Reviewer feedback is off: {problem}")
        return
    try:
        new = store.ignore_rejected_terms(reviewer_name())
    except FeedbackError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    if new:
        st.session_state[NOTICE] = (
            "success",
            f"Now ignoring: {plain(', '.join(new))}. Highlights are updated for {reviewer_label()} view only.",
        )
    else:
        st.session_state[NOTICE] = ("info", "No new terms to ignore: disagree with a loaded-term flag first.")


def on_unignore(terms: list[str] | None = None) -> None:
    store, _ = feedback_store()
    if store is None:
        return
    chosen = terms if terms is not None else st.session_state.get("unignore_terms", [])
    try:
        for term in chosen:
            store.unignore(term, reviewer_name())
    except FeedbackError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    st.session_state["unignore_terms"] = []
    if chosen:
        st.session_state[NOTICE] = ("success", f"Stopped ignoring {len(chosen)} term(s).")


def on_clear_ignored() -> None:
    store, _ = feedback_store()
    if store is None:
        return
    try:
        on_unignore(sorted(store.ignored_terms(reviewer_name())))
    except FeedbackError as exc:
        st.session_state[NOTICE] = ("error", str(exc))


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        level, message = notice
        {"success": st.success, "error": st.error, "warning": st.warning}.get(level, st.info)(message)


def _rejected_not_ignored() -> list[str]:
    store, _ = feedback_store()
    if store is None:
        return []
    reviewer = reviewer_name()
    try:
        return sorted(store.rejected_terms(reviewer) - store.ignored_terms(reviewer))
    except FeedbackError:
        return []


def ignore_controls() -> None:
    """Under the Flags table: turn this reviewer's rejected word-list hits into their ignore list."""
    store, _ = feedback_store()
    if store is None:
        return
    show_notice()
    pending = _rejected_not_ignored()
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.button(
        f"Ignore the loaded terms I disagreed with ({len(pending)})",
        on_click=on_ignore_rejected,
        disabled=not pending,
        icon=":material/visibility_off:",
        key="ignore_rejected",
        help="Adds every word-list term you marked *disagree* (here or on other articles) to your own ignore list; "
        "they are no longer highlighted for you (other reviewers are not affected). Undo on the Reviewer "
        "feedback page.",
    )
    ignored = sorted(ignored_terms())
    if ignored:
        shown = plain(", ".join(ignored[:8])) + (" …" if len(ignored) > 8 else "")
        right.caption(
            f"{reviewer_label().capitalize()} ignore list: {len(ignored)} term(s): {shown}. "
            "Manage it on **Reviewer feedback**."
        )


# ---- the Reviewer feedback page ----------------------------------------------------------------------------


def _decisions_frame(decisions: list[Decision]) -> pd.DataFrame:
    rows = [
        {
            "When (UTC)": d.created_at.replace("T", " ").replace("+00:00", ""),
            "On": "highlight" if d.target == "annotation" else "sentence score",
            "Text": d.evidence,
            "Call": d.decision,
            "Reviewer": d.reviewer or "(no name)",
            "Note": d.note,
            "Detector": d.detector,
            "Category": d.category,
            "Score": d.score,
            "Model": d.model_id,
            "Article": d.text_hash[:10],
        }
        for d in reversed(decisions)
    ]
    columns = [
        "When (UTC)",
        "On",
        "Text",
        "Call",
        "Reviewer",
        "Note",
        "Detector",
        "Category",
        "Score",
        "Model",
        "Article",
    ]
    return pd.DataFrame(rows, columns=columns)


def render_feedback_page() -> None:
    path = feedback_path()
    reviewer = reviewer_input()
    st.markdown(
        f"Your agree/disagree calls from the **Flags** and **Sentences** tabs are kept in a SQLite file on this "
        f"computer:\n\n`{path}`\n\nSet the environment variable `{ENV_VAR}` before starting the app to use another "
        "file (for example a shared drive for a desk of editors)."
    )
    store, problem = feedback_store()
    if store is None:
        st.error(f"Reviewer feedback is off: {problem}", icon=":material/database:")
        st.caption("Annotating, comparing and exporting still work; only saving calls and the ignore list are off.")
        return
    try:
        decisions = store.decisions()
        ignored = sorted(store.ignored_terms(reviewer))
    except FeedbackError as exc:
        st.error(f"Reviewer feedback is off: {exc}", icon=":material/database:")
        return
    calls = Counter(d.decision for d in decisions)
    cols = st.columns(4)
    cols[0].metric("Calls saved", len(decisions), border=True)
    cols[1].metric("Agree", calls.get("agree", 0), border=True)
    cols[2].metric("Disagree", calls.get("disagree", 0), border=True)
    cols[3].metric("Articles", len({d.text_hash for d in decisions}), border=True)

    st.subheader("Export")
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Decisions (CSV)",
        data=store.export_csv,
        file_name="framing-feedback.csv",
        mime="text/csv",
        key="feedback_csv",
        on_click="ignore",
        icon=":material/download:",
        disabled=not decisions,
        width="stretch",
    )
    right.download_button(
        "Decisions (JSONL)",
        data=store.export_jsonl,
        file_name="framing-feedback.jsonl",
        mime="application/jsonl",
        key="feedback_jsonl",
        on_click="ignore",
        icon=":material/download:",
        disabled=not decisions,
        width="stretch",
    )
    st.caption(
        "Each row has the text hash, offsets, detector, category, the call, your note, the model id and the time. "
        f"Retrain the classifier with your calls: `annotator train --feedback {path}`."
    )

    st.subheader(f"Ignore list: {reviewer_label(reviewer)}")
    st.caption(
        "Each reviewer has their own list (set your name in the sidebar): it hides loaded terms for whoever uses "
        "that name and for nobody else. The Annotate page says how many flags it hides, with a button to show them."
    )
    show_notice()
    pending = _rejected_not_ignored()
    st.button(
        f"Ignore the loaded terms I disagreed with ({len(pending)})",
        on_click=on_ignore_rejected,
        disabled=not pending,
        icon=":material/visibility_off:",
        key="ignore_rejected_page",
        help="Word-list terms you marked disagree are no longer highlighted for you, in every article.",
    )
    if ignored:
        st.markdown("Not highlighted any more: " + ", ".join(f"`{t}`" for t in ignored))
        st.multiselect("Stop ignoring", ignored, key="unignore_terms", placeholder="Choose terms")
        left, right, _ = st.columns([1, 1, 2])
        left.button("Stop ignoring these", on_click=on_unignore, key="unignore", width="stretch")
        right.button(
            "Clear the ignore list", on_click=on_clear_ignored, key="clear_ignored", type="tertiary", width="stretch"
        )
    else:
        st.caption("Nothing is ignored: every word-list term is highlighted.")

    st.subheader("Every call")
    if decisions:
        st.dataframe(
            _decisions_frame(decisions),
            hide_index=True,
            key="all_decisions",
            column_config={
                "Text": st.column_config.TextColumn("Text", width="large"),
                "Note": st.column_config.TextColumn("Note", width="medium"),
                "Score": st.column_config.NumberColumn("Score", format="%.2f"),
            },
        )
    else:
        st.info("No calls yet. Annotate an article and mark flags or sentence scores agree/disagree.")
