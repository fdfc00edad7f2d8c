"""Writers: Document -> bytes, one module per format. ``write(doc, fmt)`` picks the writer.

Each writer module is imported when first used: the command line lists the formats without loading
the writers (and, through them, the engine's text tools).
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.document import Document


def to_csv(doc: Document) -> bytes:
    """Annotations and sentences as CSV rows."""
    from annotator.export.csv_writer import to_csv as writer

    return writer(doc)


def to_json(doc: Document) -> bytes:
    """The JSON contract (schema_version 1.0) with rewrites and summary."""
    from annotator.export.json_writer import to_json as writer

    return writer(doc)


def to_markdown(doc: Document) -> bytes:
    """A Markdown report."""
    from annotator.export.md_writer import to_markdown as writer

    return writer(doc)


def to_html(doc: Document) -> bytes:
    """Self-contained HTML report (imported lazily: it pulls in plotly and pandas)."""
    from annotator.export.html_writer import to_html as writer

    return writer(doc)


def to_docx(doc: Document) -> bytes:
    """DOCX report with highlighted runs and comments (imported lazily: python-docx)."""
    from annotator.export.docx_writer import to_docx as writer

    return writer(doc)


WRITERS: dict[str, Callable[[Document], bytes]] = {
    "json": to_json,
    "csv": to_csv,
    "md": to_markdown,
    "html": to_html,
    "docx": to_docx,
}


def write(doc: Document, fmt: str) -> bytes:
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(WRITERS)})") from None
    return writer(doc)


__all__ = ["WRITERS", "to_csv", "to_docx", "to_html", "to_json", "to_markdown", "write"]
