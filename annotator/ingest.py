"""Turn a file or bytes into article text (txt, md, html, docx, pdf), with errors a user can act on.

Files are parsed by libraries (BeautifulSoup/lxml, python-docx, pypdf) and never executed. Every failure
raises ``IngestError`` with a one-line message; callers show it as is.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

MAX_BYTES = 5_000_000  # 5 MB per file
MAX_WORDS = 100_000
SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")


class IngestError(ValueError):
    """The input cannot be turned into text; the message says why and what to do."""


def decode_text(data: bytes, name: str = "input") -> str:
    """UTF-8 (with or without BOM) to str; binary or invalid data gives a clear error."""
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name}: not valid UTF-8 (invalid byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "save the file as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "template",
    "figure",
)
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "figcaption", "pre", "td")


def html_to_text(data: bytes | str, name: str = "input") -> str:
    """Article text from HTML: the <article> or <main> (else <body>), boilerplate dropped, one block per line."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception as exc:  # lxml raises several types on broken input
        raise IngestError(f"{name}: could not parse HTML ({exc})") from None
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = []
    for element in root.find_all(_BLOCK_TAGS):
        if element.find(_BLOCK_TAGS):
            continue  # its inner blocks are collected on their own
        text = " ".join(element.get_text(" ", strip=True).split())
        if text:
            blocks.append(text)
    if not blocks:
        blocks = [line.strip() for line in root.get_text("\n").splitlines() if line.strip()]
    return "\n\n".join(blocks)


def docx_to_text(data: bytes, name: str = "input") -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"{name}: not a readable .docx file ({exc.__class__.__name__})") from None
    except Exception as exc:  # python-docx raises package-specific errors on corrupt parts
        raise IngestError(f"{name}: not a readable .docx file ({exc})") from None
    return "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())


def pdf_to_text(data: bytes, name: str = "input") -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{name}: the PDF is encrypted; export an unencrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{name}: not a readable PDF ({exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise IngestError(f"{name}: the PDF has no text layer (a scan?); run OCR first or paste the text")
    # Rejoin lines that pypdf breaks mid-sentence.
    return re.sub(r"(?<![.!?:”\"])\n(?=[a-z])", " ", text)


def extract_text(data: bytes, filename: str) -> str:
    """Text of an uploaded file, chosen by its extension; raises IngestError on anything unusable."""
    name = Path(filename).name or "input"
    suffix = Path(filename).suffix.lower()
    if not data:
        raise IngestError(f"{name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: the file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB)")
    if suffix in (".txt", ".md", ".markdown", ""):
        text = decode_text(data, name)
    elif suffix in (".html", ".htm"):
        text = html_to_text(decode_text(data, name), name)
    elif suffix == ".docx":
        text = docx_to_text(data, name)
    elif suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise IngestError(f"{name}: not a PDF file (it does not start with %PDF)")
        text = pdf_to_text(data, name)
    else:
        raise IngestError(f"{name}: unsupported file type {suffix!r}; use one of {', '.join(SUPPORTED)}")
    return check_text(text, name)


def check_text(text: str, name: str = "input") -> str:
    if not text.strip():
        raise IngestError(f"{name}: no text found (the input is empty or whitespace only)")
    words = len(text.split())
    if words > MAX_WORDS:
        raise IngestError(f"{name}: {words:,} words; the limit is {MAX_WORDS:,} words")
    return text


def read_path(path: str | Path) -> str:
    """Text of a file on disk (``-`` is not handled here)."""
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{p}: no such file")
    if p.is_dir():
        raise IngestError(f"{p}: is a directory, not a file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"{p}: the file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB)")
        data = p.read_bytes()
    except PermissionError:
        raise IngestError(f"{p}: permission denied") from None
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return extract_text(data, p.name)
