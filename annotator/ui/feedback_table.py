"""Reviewer decisions as table columns: the flag table (one row per term, repeats grouped) and the sentence
table with "Your call" and "Note" filled in from the feedback database, and a call on selected rows turned
into ``Decision`` records.

Pure pandas (no Streamlit). A decision is about one span, identified by (target, start, end, detector) in a
text identified by its hash, the key the feedback database uses, so a decision made yesterday shows up again
today on the same article, whatever the filters. A grouped row stands for every use of its term: a call on
it is a call on each use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from annotator.document import Document
from annotator.feedback import DECISIONS, Decision, text_hash
from annotator.render.tables import GROUPED_COLUMNS, grouped_annotation_rows, sentence_table

DECISION = "Your call"
NOTE = "Note"
MIXED = "mixed"  # a grouped row whose uses have different calls
CALL_LABELS = {"agree": "✓ agree", "disagree": "✗ disagree", MIXED: "mixed", "": ""}
# (target, start, end, detector): what a decision is about within one text.
RowKey = tuple[str, int, int, str]


@dataclass(frozen=True)
class FeedbackTable:
    """A table to show, the spans each row stands for, and a widget key that changes with the rows."""

    frame: pd.DataFrame
    keys: list[tuple[RowKey, ...]]
    table_key: str


def _stored(decisions: list[Decision]) -> dict[RowKey, Decision]:
    return {(d.target, d.start, d.end, d.detector): d for d in decisions}


def _table_key(prefix: str, text: str, keys: list[tuple[RowKey, ...]]) -> str:
    digest = hashlib.sha256(repr((text_hash(text), keys)).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}_{digest}"


def row_call(keys: tuple[RowKey, ...], stored: dict[RowKey, Decision]) -> tuple[str, str]:
    """(call, note) of a row: the call if every span it stands for has the same one, "mixed" if they differ,
    "" if none has a call; the first note found."""
    calls = {stored[k].decision if k in stored else "" for k in keys}
    call = calls.pop() if len(calls) == 1 else MIXED
    note = next((stored[k].note for k in keys if k in stored and stored[k].note), "")
    return call, note


def _with_decisions(
    frame: pd.DataFrame, keys: list[tuple[RowKey, ...]], decisions: list[Decision], after: str, note_after: str
) -> pd.DataFrame:
    """Insert "Your call" after column ``after`` and "Note" after ``note_after`` (the reasons stay in view)."""
    stored = _stored(decisions)
    calls, notes = zip(*(row_call(k, stored) for k in keys), strict=True) if keys else ((), ())
    frame.insert(
        list(frame.columns).index(after) + 1, DECISION, pd.Series([CALL_LABELS[c] for c in calls], dtype="object")
    )
    frame.insert(list(frame.columns).index(note_after) + 1, NOTE, pd.Series(list(notes), dtype="object"))
    return frame


def flag_feedback_table(view: Document, decisions: list[Decision]) -> FeedbackTable:
    """The Flags table, one row per term (with how often and where), with the reviewer's stored call."""
    rows = grouped_annotation_rows(view)
    keys = [
        tuple(("annotation", a.span.start, a.span.end, a.detector) for a in (view.annotations[i] for i in r["indices"]))
        for r in rows
    ]
    frame = pd.DataFrame(rows, columns=list(GROUPED_COLUMNS))
    frame = _with_decisions(frame, keys, decisions, after="Count", note_after="Neutral wording")
    return FeedbackTable(frame, keys, _table_key("flag_feedback", view.text, keys))


def sentence_feedback_table(view: Document, decisions: list[Decision]) -> FeedbackTable:
    """The Sentences table with the reviewer's stored call and note on each sentence score."""
    keys = [(("sentence", s.span.start, s.span.end, ""),) for s in view.sentences]
    frame = _with_decisions(sentence_table(view), keys, decisions, after="Top words", note_after=DECISION)
    return FeedbackTable(frame, keys, _table_key("sentence_feedback", view.text, keys))


def decision_for(doc: Document, key: RowKey, call: str, note: str, reviewer: str = "") -> Decision:
    """The database record of one call on a highlight or a sentence score, with its context."""
    target, start, end, detector = key
    model = doc.meta.get("model") or {}
    common = {
        "reviewer": reviewer,
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


def selected_keys(table: FeedbackTable, rows: list[int]) -> list[RowKey]:
    """Every span the selected rows stand for (a grouped term: each of its uses), in order, once."""
    out: dict[RowKey, None] = {}
    for row in rows:
        if 0 <= row < len(table.keys):
            out.update(dict.fromkeys(table.keys[row]))
    return list(out)


def calls_for(
    doc: Document, table: FeedbackTable, rows: list[int], call: str, note: str = "", reviewer: str = ""
) -> list[Decision]:
    """The records of one call (agree/disagree, with an optional note) on the selected rows."""
    if call not in DECISIONS:
        raise ValueError(f"call must be one of {DECISIONS}, not {call!r}")
    return [decision_for(doc, key, call, note.strip(), reviewer) for key in selected_keys(table, rows)]


def row_height_for(texts: list[str], chars_per_line: int = 55, least: int = 72, most: int = 150) -> int:
    """A data-grid row height (px) that shows nine in ten of ``texts`` in full when the grid wraps them
    (about ``chars_per_line`` characters a line in a wide column); the rest open in full on a click."""
    if not texts:
        return least
    lengths = sorted(len(t) for t in texts)
    lines = -(-lengths[int(0.9 * (len(lengths) - 1))] // chars_per_line)
    return max(least, min(most, 14 + 21 * lines))
