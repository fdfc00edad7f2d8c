"""Reviewer decisions as table columns: the flag and sentence tables with "Your call" and "Note" filled in from
the feedback database, and the edits a reviewer made turned back into ``Decision`` records.

Pure pandas (no Streamlit). A row is identified by (target, start, end, detector) in a text identified by its
hash, the same key the feedback database uses, so a decision made yesterday shows up again today on the same
article, whatever the filters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from annotator.document import Document
from annotator.feedback import DECISIONS, Decision, text_hash
from annotator.render.tables import annotation_table, sentence_table

DECISION = "Your call"
NOTE = "Note"
# (target, start, end, detector): what a decision is about within one text.
RowKey = tuple[str, int, int, str]


@dataclass(frozen=True)
class FeedbackTable:
    """A table to show in an editor, the key of each row, and a widget key that changes with the rows."""

    frame: pd.DataFrame
    keys: list[RowKey]
    editor_key: str


def _stored(decisions: list[Decision]) -> dict[RowKey, Decision]:
    return {(d.target, d.start, d.end, d.detector): d for d in decisions}


def _editor_key(prefix: str, text: str, keys: list[RowKey]) -> str:
    digest = hashlib.sha256(repr((text_hash(text), keys)).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}_{digest}"


def _with_decisions(frame: pd.DataFrame, keys: list[RowKey], decisions: list[Decision], after: str) -> pd.DataFrame:
    stored = _stored(decisions)
    calls = [stored[k].decision if k in stored else "" for k in keys]
    notes = [stored[k].note if k in stored else "" for k in keys]
    position = list(frame.columns).index(after) + 1
    frame.insert(position, DECISION, pd.Series(calls, dtype="object"))
    frame.insert(position + 1, NOTE, pd.Series(notes, dtype="object"))
    return frame


def flag_feedback_table(view: Document, decisions: list[Decision]) -> FeedbackTable:
    """The Flags table with the reviewer's stored call and note on each highlight."""
    keys: list[RowKey] = [("annotation", a.span.start, a.span.end, a.detector) for a in view.annotations]
    frame = _with_decisions(annotation_table(view), keys, decisions, after="Text")
    return FeedbackTable(frame, keys, _editor_key("flag_feedback", view.text, keys))


def sentence_feedback_table(view: Document, decisions: list[Decision]) -> FeedbackTable:
    """The Sentences table with the reviewer's stored call and note on each sentence score."""
    keys: list[RowKey] = [("sentence", s.span.start, s.span.end, "") for s in view.sentences]
    frame = _with_decisions(sentence_table(view), keys, decisions, after="Bias")
    return FeedbackTable(frame, keys, _editor_key("sentence_feedback", view.text, keys))


def _clean_call(value: Any) -> str | None:
    text = "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)
    text = text.strip().lower()
    return text if text in DECISIONS else None


def _clean_note(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class Changes:
    record: list[Decision]
    forget: list[RowKey]
    notes_without_call: list[int]  # 1-based row numbers with a note but no agree/disagree


def decision_for(doc: Document, key: RowKey, call: str, note: str) -> Decision:
    """The database record of one call on a highlight or a sentence score, with its context."""
    target, start, end, detector = key
    model = doc.meta.get("model") or {}
    common = {
        "text_hash": text_hash(doc.text),
        "target": target,
        "start": start,
        "end": end,
        "decision": call,
        "note": note,
        "model_id": str(model.get("model_id", "")),
        "lexicon_version": str(doc.meta.get("lexicon_version", "")),
    }
    if target == "annotation":
        a = next(a for a in doc.annotations if (a.span.start, a.span.end, a.detector) == (start, end, detector))
        sentence = doc.sentence_of(a.span)
        return Decision(
            **common,
            detector=detector,
            category=a.category,
            term=a.term or doc.evidence(a.span),
            evidence=doc.evidence(a.span),
            sentence=" ".join(doc.evidence(sentence.span).split()) if sentence else "",
            score=a.score,
        )
    s = next(s for s in doc.sentences if (s.span.start, s.span.end) == (start, end))
    text = " ".join(doc.evidence(s.span).split())
    return Decision(**common, detector=detector, evidence=text, sentence=text, score=s.bias)


def changes(doc: Document, table: FeedbackTable, edited: pd.DataFrame, decisions: list[Decision]) -> Changes:
    """What to write to the database so it matches the edited table (only rows that differ from it)."""
    stored = _stored(decisions)
    record, forget, orphans = [], [], []
    for i, (key, call_value, note_value) in enumerate(
        zip(table.keys, edited[DECISION].tolist(), edited[NOTE].tolist(), strict=True)
    ):
        call, note = _clean_call(call_value), _clean_note(note_value)
        before = stored.get(key)
        if call is None:
            if before is not None:
                forget.append(key)
            elif note:
                orphans.append(i + 1)
            continue
        if before is None or before.decision != call or before.note != note:
            record.append(decision_for(doc, key, call, note))
    return Changes(record, forget, orphans)
