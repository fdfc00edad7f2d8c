"""JSON export: the Document data model (DESIGN §2) with ``schema_version``, a summary and neutral rewrites."""

from __future__ import annotations

import json

from annotator.document import Document
from annotator.rewrite import neutral_rewrites
from annotator.summary import summarize


def document_dict(doc: Document) -> dict:
    """The JSON contract of one document: ``Document.to_dict()`` plus its summary and neutral rewrites."""
    data = doc.to_dict()
    data["summary"] = summarize(doc).to_dict()
    data["rewrites"] = [r.to_dict() for r in neutral_rewrites(doc)]
    return data


def to_json(doc: Document) -> bytes:
    data = document_dict(doc)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
