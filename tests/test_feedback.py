import sqlite3
import threading

import pytest

from annotator import Annotator
from annotator.feedback import Decision, FeedbackError, FeedbackStore, labelled_sentences, text_hash
from tests.files import make_damaged_feedback_db


def decision(i: int, verdict: str = "agree", **kw) -> Decision:
    base = dict(
        text_hash=text_hash("t"),
        target="annotation",
        start=i,
        end=i + 3,
        decision=verdict,
        detector="lexicon",
        term=f"term{i}",
        sentence=f"Sentence {i}.",
    )
    base.update(kw)
    return Decision(**base)


def test_feedback_survives_reopen(tmp_path):
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path).record(decision(1, "disagree", note="fine in context"))
    again = FeedbackStore(path).decisions()
    assert len(again) == 1 and again[0].decision == "disagree" and again[0].note == "fine in context"
    assert again[0].created_at


def test_feedback_later_decision_replaces_earlier(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(decision(1, "agree"))
    store.record(decision(1, "disagree"))
    assert [d.decision for d in store.decisions()] == ["disagree"]


def test_feedback_two_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path)
    errors = []

    def writer(offset: int) -> None:
        store = FeedbackStore(path)
        try:
            for i in range(100):
                store.record(decision(offset + i))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(FeedbackStore(path).decisions()) == 200


def test_feedback_corrupt_database_is_a_clear_error(tmp_path):
    path = tmp_path / "fb.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FeedbackError, match="corrupt"):
        FeedbackStore(path)


def test_feedback_unwritable_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(FeedbackError, match="ANNOTATOR_FEEDBACK_DB"):
        FeedbackStore(blocker / "sub" / "fb.sqlite3")


def test_feedback_env_var_sets_default_path(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_FEEDBACK_DB", str(tmp_path / "env.sqlite3"))
    assert FeedbackStore().path == tmp_path / "env.sqlite3"


def test_feedback_ignore_list_is_honoured(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(decision(1, "disagree", term="Kiev"))
    assert store.ignore_rejected_terms() == ["kiev"]
    text = "Officials in Kiev met the regime."
    plain = Annotator(model=None).annotate(text)
    ignoring = Annotator(model=None, ignore_terms=store.ignored_terms()).annotate(text)
    assert "Kiev" in [plain.evidence(a.span) for a in plain.annotations]
    assert "Kiev" not in [ignoring.evidence(a.span) for a in ignoring.annotations]
    assert "regime" in [ignoring.evidence(a.span) for a in ignoring.annotations]


def test_feedback_exports(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(decision(1, sentence="=HYPERLINK(1)"))
    assert b'"decision": "agree"' in store.export_jsonl()
    csv_text = store.export_csv().decode()
    assert "'=HYPERLINK(1)" in csv_text


def test_feedback_labelled_sentences():
    decisions = [
        decision(1, "agree", target="sentence", score=0.9, sentence="A."),
        decision(2, "disagree", target="sentence", score=0.9, sentence="B."),
        decision(3, "agree", sentence="C."),
        decision(4, "disagree", sentence="D."),
    ]
    assert labelled_sentences(decisions) == [("A.", 1), ("B.", 0), ("C.", 1)]


def test_feedback_schema_rejects_bad_decision(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(ValueError):
        store.record(decision(1, "maybe"))
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0


def test_feedback_damaged_pages_are_detected_at_open(tmp_path):
    path = make_damaged_feedback_db(tmp_path / "fb.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the header page still reads fine
    with pytest.raises(FeedbackError, match="is corrupt: damaged pages") as info:
        FeedbackStore(path)
    assert str(path) in str(info.value) and "move it away" in str(info.value)
