"""CSV export: one row per annotation, then one row per sentence (``row_type`` tells them apart)."""

from __future__ import annotations

from collections.abc import Iterator

from annotator.csvsafe import write_csv
from annotator.document import Document

COLUMNS = (
    "row_type",
    "start",
    "end",
    "text",
    "detector",
    "category",
    "severity",
    "term",
    "score",
    "voice",
    "kind",
    "bias",
    "explanation",
    "alternatives",
    "top_terms",
    "confidence",
    "alternatives_source",
)


def _rows(doc: Document) -> Iterator[dict[str, object]]:
    for a in doc.annotations:
        yield {
            "row_type": "annotation",
            "start": a.span.start,
            "end": a.span.end,
            "text": doc.evidence(a.span),
            "detector": a.detector,
            "category": a.category,
            "severity": a.severity,
            "term": a.term,
            "score": round(a.score, 4),
            "voice": a.voice,
            "explanation": a.explanation,
            "alternatives": " | ".join(a.alternatives),
            "confidence": None if a.confidence is None else round(a.confidence, 4),
            "alternatives_source": a.alternatives_source,
        }
    for s in doc.sentences:
        yield {
            "row_type": "sentence",
            "start": s.span.start,
            "end": s.span.end,
            "text": doc.evidence(s.span),
            "voice": s.voice,
            "kind": s.kind,
            "bias": None if s.bias is None else round(s.bias, 4),
            "top_terms": " | ".join(f"{t} ({w:+.3f})" for t, w in s.top_terms),
        }


def to_csv(doc: Document) -> bytes:
    """UTF-8 CSV with a byte order mark (Excel), quoted line breaks and neutralised formulas (``csvsafe``)."""
    return write_csv(_rows(doc), COLUMNS, bom=True)
