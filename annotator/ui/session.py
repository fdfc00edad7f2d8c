"""What every page of the app shares: the cached engine, this session's annotator, the feedback database.

The bundled engine (word list, detectors, classifier) is loaded once per server with ``st.cache_resource``.
A session that edits its word list gets its own ``Annotator`` built around the same classifier (cached by
content, so identical settings share one), and every annotated text is cached by the
annotator's key. The feedback database is opened lazily; if it is corrupt or unwritable the app keeps
annotating and says why feedback is off.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from annotator import Annotator, Document
from annotator.feedback import MAX_REVIEWER_CHARS, FeedbackError, FeedbackStore, default_path, reviewer_key
from annotator.lexicon import LexiconError, RowError
from annotator.ui.engine import Engine, build_engine
from annotator.ui.lexicon_table import build_lexicon, table_digest
from annotator.ui.plain import plain

LEXICON_TABLE = "lexicon_table"  # the session's word list as a table (absent: the bundled list, unchanged)
LEXICON_DIGEST = "_lexicon_digest"  # its fingerprint, computed once per change

# Widget keys whose values must survive a visit to another page (Streamlit forgets the state of widgets that
# a run does not draw); ``keep_widget_state`` re-assigns them at the top of every run.
PERSISTENT_KEYS = (
    "article",
    "detectors",
    "categories",
    "min_score",
    "include_quotes",
    "compare_text_a",
    "compare_text_b",
    "compare_name_a",
    "compare_name_b",
    "lexicon_upload_mode",
    "reviewer",
    "hidden_categories",
)
REVIEWER = "reviewer"  # the reviewer's name (sidebar): their calls and their ignore list


def keep_widget_state() -> None:
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


@st.cache_resource(show_spinner=False)
def _engine_future() -> Future[Engine]:
    """The engine being built in a background thread, started once per server process."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-loader")
    future = executor.submit(build_engine)
    executor.shutdown(wait=False)
    return future


def start_engine() -> None:
    """Start loading the engine (nltk, scikit-learn, the word lists, the classifier: seconds) without waiting,
    so a page can show its text box at once and the engine loads while the user pastes."""
    _engine_future()


def load_engine() -> Engine:
    """Lexicon, detectors and (if available) the bias classifier, once per server process; waits for the
    background load, with a spinner. A word list that cannot be loaded stops the app with the reason."""
    future = _engine_future()
    try:
        if future.done():
            return future.result()
        with st.spinner("Loading the word lists and the classifier…"):
            return future.result()
    except Exception as exc:
        _engine_future.clear()  # a failure is not kept: the next run tries again, as st.cache_resource does
        if isinstance(exc, LexiconError):  # a broken word list must be fixed by whoever installed the app
            st.error(f"The word list could not be loaded, so the app cannot start:\n\n{exc}")
            st.stop()
        raise


@dataclass(frozen=True)
class Active:
    """The annotator this session uses, its cache key, and any bad rows in the session's word list."""

    annotator: Annotator
    key: str
    lexicon_errors: tuple[RowError, ...] = ()
    custom_lexicon: bool = False


@st.cache_resource(max_entries=16, show_spinner=False)
def _session_annotator(
    lexicon_key: str, engine_key: str, _table: pd.DataFrame, _engine: Engine
) -> tuple[Annotator, tuple[RowError, ...]]:
    del lexicon_key, engine_key  # cache key only
    lexicon, errors = build_lexicon(_table)
    annotator = Annotator(
        lexicon=lexicon, detectors=[d.id for d in _engine.annotator.detectors], model=_engine.annotator.model
    )
    return annotator, tuple(errors)


def set_lexicon_table(table: pd.DataFrame | None) -> None:
    """Make ``table`` this session's word list (None: back to the bundled list)."""
    if table is None:
        st.session_state.pop(LEXICON_TABLE, None)
        st.session_state.pop(LEXICON_DIGEST, None)
    else:
        st.session_state[LEXICON_TABLE] = table
        st.session_state[LEXICON_DIGEST] = table_digest(table)


def active_annotator(engine: Engine) -> Active:
    """The bundled annotator, or one with this session's word list. A reviewer's ignore list is not applied
    here but as a view filter (``app.ignore_list_notice``), so it is visible and affects nobody else."""
    table = st.session_state.get(LEXICON_TABLE)
    if table is None:
        return Active(engine.annotator, engine.key)
    if LEXICON_DIGEST not in st.session_state:
        st.session_state[LEXICON_DIGEST] = table_digest(table)
    lexicon_key = st.session_state[LEXICON_DIGEST]
    annotator, errors = _session_annotator(lexicon_key, engine.key, table, engine)
    return Active(annotator, f"{engine.key}|{lexicon_key}", errors, True)


@st.cache_data(show_spinner=False, max_entries=64)
def annotate_cached(text: str, annotator_key: str, _annotator: Annotator) -> Document:
    """The full (unfiltered) annotation of ``text``; ``annotator_key`` identifies the annotator's resources."""
    del annotator_key  # cache key only
    return _annotator.annotate(text)


# ---- feedback database -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> FeedbackStore:
    return FeedbackStore(path)


def feedback_path() -> str:
    return str(default_path())


def feedback_store() -> tuple[FeedbackStore | None, str]:
    """(store, "") or (None, why feedback is off); the path comes from ``$ANNOTATOR_FEEDBACK_DB`` or the
    user's data directory and is checked on every run, so fixing it needs no restart."""
    try:
        return _open_store(feedback_path()), ""
    except FeedbackError as exc:
        return None, str(exc)


def reviewer_name() -> str:
    """This session's reviewer name as stored with calls ("" when none was given)."""
    return reviewer_key(st.session_state.get(REVIEWER))


def reviewer_label(name: str | None = None) -> str:
    """How the app names a reviewer: "Ana's" list, or "the unnamed reviewer's" list (Markdown-safe)."""
    name = reviewer_name() if name is None else name
    return f"{plain(name)}’s" if name else "the unnamed reviewer’s"  # plain: shown in Markdown


def reviewer_input(container=None) -> str:
    """The reviewer-name box (in the sidebar by default); returns the stored form of the name."""
    where = container if container is not None else st.sidebar
    where.text_input(
        "Reviewer name",
        key=REVIEWER,
        max_chars=MAX_REVIEWER_CHARS,
        placeholder="e.g. Ana Silva",
        help="Saved with each agree/disagree call. Your ignore list is yours: it hides flags only for whoever uses "
        "this name, never for other reviewers.",
    )
    return reviewer_name()


def ignored_terms(reviewer: str | None = None) -> set[str]:
    """The reviewer's ignore list (this session's reviewer by default); empty if feedback is off."""
    store, _ = feedback_store()
    if store is None:
        return set()
    try:
        return store.ignored_terms(reviewer_name() if reviewer is None else reviewer)
    except FeedbackError:
        return set()
