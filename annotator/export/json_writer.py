"""JSON export: the Document data model (DESIGN §2) with ``schema_version``."""

from __future__ import annotations

import json

from annotator.document import Document
from annotator.summary import summarize


def to_json(doc: Document) -> bytes:
    data = doc.to_dict()
    data["summary"] = summarize(doc).to_dict()
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
