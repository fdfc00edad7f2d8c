"""Reviewer feedback in the app: agree/disagree editors in the Flags and Sentences tabs, the ignore list, and
the Reviewer feedback page (database path, exports, every decision).

Calls are written to the SQLite feedback database the moment they are made (each edit reruns the page; the
edited table is compared with the database and only differences are written), so there is no Save button to
forget. If the database cannot be used, the tables stay read-only and a message says why; annotating works.
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
from annotator.ui.session import Active, feedback_path, feedback_store

NOTICE = "feedback_notice"  # (level, message) after an ignore-list action

_CALL_LABELS = {"agree": "✓ agree", "disagree": "✗ disagree"}
_CALL_COLUMN = st.column_config.SelectboxColumn(
    ft.DECISION,
    options=list(_CALL_LABELS),
    format_func=lambda value: _CALL_LABELS.get(str(value), str(value or "")),
    help="agree: the flag or score is right here. disagree: it is wrong here. Empty (Delete key): no call.",
    width=120,
)
_NOTE_COLUMN = st.column_config.TextColumn(
    ft.NOTE, help="Optional: why (saved with your call)", width="medium", max_chars=500
)


def _feedback_off(problem: str) -> None:
    st.warning(f"Reviewer feedback is off: {problem}. Highlights and scores work as usual.", icon=":material/database:")


def _stored_decisions(text: str) -> list[Decision] | None:
    store, problem = feedback_store()
    if store is None:
        _feedback_off(problem)
        return None
    try:
        return store.decisions(text_hash(text))
    except FeedbackError as exc:
        _feedback_off(str(exc))
        return None


def _save(view: Document, table: ft.FeedbackTable, edited: pd.DataFrame, stored: list[Decision]) -> None:
    store, _ = feedback_store()
    if store is None:
        return
    todo = ft.changes(view, table, edited, stored)
    try:
        for decision in todo.record:
            store.record(decision)
        for target, start, end, detector in todo.forget:
            store.forget(text_hash(view.text), target, start, end, detector)
    except FeedbackError as exc:
        st.error(f"Could not save your call: {exc}")
        return
    if todo.record or todo.forget:
        saved = len(todo.record) + len(todo.forget)
        st.toast(f"Saved {saved} change{'s' if saved != 1 else ''} to the feedback database.", icon=":material/check:")
    if todo.notes_without_call:
        rows = ", ".join(str(r) for r in todo.notes_without_call[:10])
        st.info(f"Row(s) {rows} have a note but no call; pick agree or disagree to save the note.")


def _editor(
    view: Document, table: ft.FeedbackTable, stored: list[Decision], column_config: dict[str, Any]
) -> pd.DataFrame:
    config = {**column_config, ft.DECISION: _CALL_COLUMN, ft.NOTE: _NOTE_COLUMN}
    disabled = [c for c in table.frame.columns if c not in (ft.DECISION, ft.NOTE)]
    edited = st.data_editor(
        table.frame,
        key=table.editor_key,
        hide_index=True,
        num_rows="fixed",
        disabled=disabled,
        column_config=config,
        height=min(38 + 35 * len(table.frame), 640),
        placeholder="",
    )
    _save(view, table, edited, stored)
    earlier = sum(1 for d in stored if d.target == table.keys[0][0]) if table.keys else 0
    if earlier:
        st.caption(f"{earlier} call(s) on this text are in the feedback database (`{feedback_path()}`).")
    return edited


def flag_editor(view: Document, column_config: dict[str, Any]) -> bool:
    """The Flags table with agree/disagree and note columns; False if feedback is off (caller shows a table)."""
    stored = _stored_decisions(view.text)
    if stored is None:
        return False
    _editor(view, ft.flag_feedback_table(view, stored), stored, column_config)
    return True


def sentence_editor(view: Document, column_config: dict[str, Any]) -> bool:
    """The Sentences table with agree/disagree and note columns; False if feedback is off."""
    stored = _stored_decisions(view.text)
    if stored is None:
        return False
    _editor(view, ft.sentence_feedback_table(view, stored), stored, column_config)
    return True


# ---- ignore list -------------------------------------------------------------------------------------------


def on_ignore_rejected() -> None:
    store, problem = feedback_store()
    if store is None:
        st.session_state[NOTICE] = ("error", f"Reviewer feedback is off: {problem}")
        return
    try:
        new = store.ignore_rejected_terms()
    except FeedbackError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    if new:
        st.session_state[NOTICE] = ("success", "Now ignoring: " + plain(", ".join(new)) + ". Highlights are updated.")
    else:
        st.session_state[NOTICE] = ("info", "No new terms to ignore: disagree with a loaded-term flag first.")


def on_unignore(terms: list[str] | None = None) -> None:
    store, _ = feedback_store()
    if store is None:
        return
    chosen = terms if terms is not None else st.session_state.get("unignore_terms", [])
    try:
        for term in chosen:
            store.unignore(term)
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
        on_unignore(sorted(store.ignored_terms()))
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
    try:
        ignored = store.ignored_terms()
        rejected = {
            d.term.strip().lower()
            for d in store.decisions()
            if d.target == "annotation" and d.detector == "lexicon" and d.decision == "disagree" and d.term
        }
    except FeedbackError:
        return []
    return sorted(rejected - ignored)


def ignore_controls(active: Active) -> None:
    """Under the Flags table: turn rejected word-list hits into the ignore list, and say what is ignored."""
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
        help="Adds every word-list term you marked *disagree* (here or on other articles) to your ignore list; "
        "they are no longer highlighted. Undo on the Reviewer feedback page.",
    )
    if active.ignored:
        shown = plain(", ".join(active.ignored[:8])) + (" …" if len(active.ignored) > 8 else "")
        right.caption(f"Ignoring {len(active.ignored)} term(s): {shown}. Manage the list on **Reviewer feedback**.")


# ---- the Reviewer feedback page ----------------------------------------------------------------------------


def _decisions_frame(decisions: list[Decision]) -> pd.DataFrame:
    rows = [
        {
            "When (UTC)": d.created_at.replace("T", " ").replace("+00:00", ""),
            "On": "highlight" if d.target == "annotation" else "sentence score",
            "Text": d.evidence,
            "Call": d.decision,
            "Note": d.note,
            "Detector": d.detector,
            "Category": d.category,
            "Score": d.score,
            "Model": d.model_id,
            "Article": d.text_hash[:10],
        }
        for d in reversed(decisions)
    ]
    columns = ["When (UTC)", "On", "Text", "Call", "Note", "Detector", "Category", "Score", "Model", "Article"]
    return pd.DataFrame(rows, columns=columns)


def render_feedback_page() -> None:
    path = feedback_path()
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
        ignored = sorted(store.ignored_terms())
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

    st.subheader("Ignore list")
    show_notice()
    pending = _rejected_not_ignored()
    st.button(
        f"Ignore the loaded terms I disagreed with ({len(pending)})",
        on_click=on_ignore_rejected,
        disabled=not pending,
        icon=":material/visibility_off:",
        key="ignore_rejected_page",
        help="Word-list terms you marked disagree are no longer highlighted, in every article, on every page.",
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
