"""CSV export: one row per annotation, then one row per sentence (``row_type`` tells them apart)."""

from __future__ import annotations

import csv
import io

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
)


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(doc: Document) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for a in doc.annotations:
        writer.writerow(
            {
                "row_type": "annotation",
                "start": a.span.start,
                "end": a.span.end,
                "text": _cell(doc.evidence(a.span)),
                "detector": a.detector,
                "category": a.category,
                "severity": a.severity,
                "term": _cell(a.term),
                "score": round(a.score, 4),
                "voice": a.voice,
                "explanation": _cell(a.explanation),
                "alternatives": _cell(" | ".join(a.alternatives)),
            }
        )
    for s in doc.sentences:
        writer.writerow(
            {
                "row_type": "sentence",
                "start": s.span.start,
                "end": s.span.end,
                "text": _cell(doc.evidence(s.span)),
                "voice": s.voice,
                "kind": s.kind,
                "bias": "" if s.bias is None else round(s.bias, 4),
                "top_terms": _cell(" | ".join(f"{t} ({w:+.3f})" for t, w in s.top_terms)),
            }
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
