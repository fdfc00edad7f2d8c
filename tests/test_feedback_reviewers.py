"""Reviewer feedback per reviewer: each call carries the reviewer's name, ignore lists are per reviewer, and a
database from before reviewers existed is migrated without losing a row."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.feedback import SCHEMA_VERSION, Decision, FeedbackStore, reviewer_key, text_hash
from annotator.filters import ViewSettings, apply_view

V1_SCHEMA = """
PRAGMA journal_mode = WAL;  -- as every earlier version of the store left its file
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, text_hash TEXT NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('annotation', 'sentence')), start INTEGER NOT NULL, end INTEGER NOT NULL,
    detector TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '', term TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '', sentence TEXT NOT NULL DEFAULT '', score REAL,
    decision TEXT NOT NULL CHECK (decision IN ('agree', 'disagree')), note TEXT NOT NULL DEFAULT '',
    model_id TEXT NOT NULL DEFAULT '', lexicon_version TEXT NOT NULL DEFAULT '',
    UNIQUE (text_hash, target, start, end, detector)
);
CREATE TABLE ignored_terms (term TEXT PRIMARY KEY, created_at TEXT NOT NULL);
INSERT INTO decisions (created_at, text_hash, target, start, end, detector, term, decision, note)
    VALUES ('2025-01-01T00:00:00+00:00', 'h1', 'annotation', 0, 4, 'lexicon', 'Kiev', 'disagree', 'old note');
INSERT INTO decisions (created_at, text_hash, target, start, end, decision)
    VALUES ('2025-01-02T00:00:00+00:00', 'h1', 'sentence', 0, 20, 'agree');
INSERT INTO ignored_terms VALUES ('kiev', '2025-01-01T00:00:00+00:00');
"""


def _call(reviewer: str, verdict: str = "disagree", term: str = "Kiev") -> Decision:
    return Decision(text_hash("t"), "annotation", 0, 4, verdict, detector="lexicon", term=term, reviewer=reviewer)


def test_feedback_reviewers_old_database_is_migrated(tmp_path):
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
    store = FeedbackStore(path)
    old = store.decisions()
    assert [(d.target, d.decision, d.note, d.reviewer) for d in old] == [
        ("annotation", "disagree", "old note", ""),
        ("sentence", "agree", "", ""),
    ]
    assert store.ignored_terms("") == {"kiev"}, "the old server-wide list belongs to the unnamed reviewer"
    assert store.ignored_terms("Ana") == set()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    FeedbackStore(path)  # opening again is a no-op
    assert len(FeedbackStore(path).decisions()) == 2


def test_feedback_reviewers_calls_on_one_span_are_kept_apart(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(_call("Ana", "disagree"))
    store.record(_call("Ben", "agree"))
    store.record(_call("Ana", "agree"))  # Ana changes her mind: replaces only her own call
    assert {(d.reviewer, d.decision) for d in store.decisions()} == {("Ana", "agree"), ("Ben", "agree")}
    assert [d.decision for d in store.decisions(text_hash("t"), reviewer="Ben")] == ["agree"]
    store.forget(text_hash("t"), "annotation", 0, 4, "lexicon", reviewer="Ana")
    assert [d.reviewer for d in store.decisions()] == ["Ben"]


def test_feedback_reviewers_ignore_lists_are_per_reviewer(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(_call("Ana", "disagree"))
    store.record(_call("Ben", "agree"))
    assert store.ignore_rejected_terms("Ben") == []
    assert store.ignore_rejected_terms("Ana") == ["kiev"]
    assert store.ignored_terms("Ana") == {"kiev"} and store.ignored_terms("Ben") == set()
    store.unignore("kiev", "Ben")
    assert store.ignored_terms("Ana") == {"kiev"}, "Ben cannot empty Ana's list"


@pytest.mark.parametrize(
    ("raw", "key"),
    [("  Ana  Silva ", "Ana Silva"), ("", ""), (None, ""), ("x" * 200, "x" * 80), ("Ana\nSilva", "Ana Silva")],
)
def test_feedback_reviewers_name_key(raw, key):
    assert reviewer_key(raw) == key


def test_feedback_reviewers_ignore_list_is_a_view_filter(engine):
    doc = engine.annotate("The Kiev regime met in Kiev. Kiev's mayor spoke of a provocation.")
    hidden = apply_view(doc, ViewSettings.make(ignore_terms=["kiev"]))
    assert [hidden.evidence(a.span) for a in hidden.annotations if a.detector == "lexicon"] == [
        "Kiev regime",
        "provocation",
    ]
    assert hidden.meta["view"]["ignored_terms"] == ["kiev"]
    assert "1 ignored term" in ViewSettings.make(ignore_terms=["kiev"]).describe()
    assert apply_view(doc, ViewSettings()).annotations == doc.annotations


def test_feedback_reviewers_two_openers_migrate_once(tmp_path):
    import threading

    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            FeedbackStore(path)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(FeedbackStore(path).decisions()) == 2, "no row lost or copied twice"
