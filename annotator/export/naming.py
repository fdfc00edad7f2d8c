"""Report titles and file names: the article's title (or first words) plus the date.

``report_filename(doc, "html")`` -> ``ukraine-will-become-the-first-state-among_framing_2025-05-30.html``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from annotator.document import Document

_MAX_TITLE = 90
_MAX_SLUG_WORDS = 8


def article_title(doc_or_text: Document | str, source_name: str | None = None) -> str:
    """A human title: the first heading or first line of the article, shortened at a word boundary."""
    text = doc_or_text.text if isinstance(doc_or_text, Document) else doc_or_text
    if isinstance(doc_or_text, Document):
        for s in doc_or_text.sentences[:3]:
            if s.kind == "heading":
                return _shorten(doc_or_text.evidence(s.span))
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return _shorten(line)
    if source_name:
        return source_name
    return "Untitled article"


def _shorten(line: str) -> str:
    line = line.strip(" \u2022-*#")
    if len(line) <= _MAX_TITLE:
        return line
    cut = line[:_MAX_TITLE].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def slugify(text: str, max_words: int = _MAX_SLUG_WORDS) -> str:
    """ASCII, lowercase, hyphen-separated words (safe on every file system)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:max_words]
    return "-".join(words)[:80].strip("-") or "article"


def report_filename(
    doc_or_text: Document | str, extension: str, date: dt.date | None = None, source_name: str | None = None
) -> str:
    """``<first words of the title>_framing_<YYYY-MM-DD>.<extension>``."""
    date = date or dt.date.today()
    if source_name:
        stem = source_name.rsplit(".", 1)[0]
        base = slugify(stem) if slugify(stem) != "article" else slugify(article_title(doc_or_text))
    else:
        base = slugify(article_title(doc_or_text))
    return f"{base}_framing_{date.isoformat()}.{extension.lstrip('.')}"
