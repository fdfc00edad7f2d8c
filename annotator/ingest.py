"""Turn a file or bytes into article text (txt, md, html, docx, pdf), with errors a user can act on.

Files are parsed by libraries (lxml, python-docx, pypdf) and never executed. Sizes are checked before any
parsing (a .docx by the size its parts expand to), and long documents stop as soon as their text passes
the limits in ``annotator.limits``. Every failure, including any error a parsing library raises on a broken
file, becomes ``IngestError`` with a one-line message; callers show it as is.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.limits import (
    MAX_BYTES,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    MAX_UNZIPPED_BYTES,
    MAX_WORDS,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    PARSE_SECONDS,
    surrogate_message,
)

# pypdf logs what it repairs ("EOF marker not found") as warnings; with no logging set up Python prints them on
# stderr, which broke the CLI's one-line errors. A handler here keeps them out of the terminal (apps that set up
# logging still see them through their root handlers).
logging.getLogger("pypdf").addHandler(logging.NullHandler())

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
__all__ = ["MAX_BYTES", "MAX_WORDS", "SUPPORTED", "IngestError", "check_text", "extract_text", "read_path"]


class IngestError(ValueError):
    """The input cannot be turned into text; the message says why and what to do."""


def _one_line(exc: BaseException) -> str:
    """A library's error as a short single line (some span lines or carry whole XML fragments)."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 160 else text[:157] + "..."


def decode_text(data: bytes, name: str = "input") -> str:
    """UTF-8 (with or without BOM) to str; binary data (a NUL byte anywhere) or invalid UTF-8 gives a clear error."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise IngestError(f"{name}: looks like a binary file, not text (a NUL byte at offset {nul:,})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name}: not valid UTF-8 (invalid byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "save the file as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Budget:
    """Collects text blocks and stops with an IngestError once they pass the word/character limits or time."""

    def __init__(self, name: str, what: str) -> None:
        self.name, self.what = name, what
        self.blocks: list[str] = []
        self.words = 0
        self.chars = 0
        self.deadline = time.monotonic() + PARSE_SECONDS

    def add(self, block: str) -> None:
        self.blocks.append(block)
        self.words += len(block.split())
        self.chars += len(block) + 2
        if self.words > MAX_WORDS:
            raise IngestError(f"{self.name}: more than {MAX_WORDS:,} words; the limit is {MAX_WORDS:,} words")
        if self.chars > MAX_TEXT_CHARS:
            raise IngestError(f"{self.name}: more than {MAX_TEXT_CHARS:,} characters of text; that is the limit")
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise IngestError(
                f"{self.name}: reading the {self.what} took longer than {PARSE_SECONDS:.0f} s; "
                "paste the article's text instead"
            )

    def text(self, sep: str = "\n\n") -> str:
        return sep.join(self.blocks)


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


def _leaf_blocks(root) -> Iterator:  # lxml elements
    """Block elements in document order that hold no other block (their inner blocks are collected instead)."""
    blocks = list(root.iter(*_BLOCK_TAGS))
    outer = set()
    for element in blocks:
        parent = element.getparent()
        while parent is not None:
            if parent.tag in _BLOCK_TAGS:
                if parent in outer:
                    break  # its ancestors are marked already
                outer.add(parent)
            parent = parent.getparent()
    return (element for element in blocks if element not in outer)


def html_to_text(data: bytes | str, name: str = "input") -> str:
    """Article text from HTML: the <article> or <main> (else <body>), boilerplate dropped, one block per line.

    lxml parses the page (fast and bounded: libxml2 caps nesting depth); collecting blocks stops at the limits.
    """
    import lxml.etree
    import lxml.html

    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        return ""
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
        tree = lxml.html.document_fromstring(raw, parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:  # ParserError "Document is empty" and the like
        if "empty" in str(exc).lower():
            return ""
        raise IngestError(f"{name}: could not parse HTML ({_one_line(exc)})") from None
    for element in list(tree.iter(*_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for br in tree.iter("br"):  # a line break separates words ("one<br>two" is not "onetwo")
        br.tail = " " + (br.tail or "")
    root = next(tree.iter("article"), None)
    if root is None:
        root = next(tree.iter("main"), None)
    if root is None:
        root = tree.find("body") if tree.find("body") is not None else tree
    budget = _Budget(name, "HTML")
    for element in _leaf_blocks(root):
        text = " ".join(element.text_content().split())
        if text:
            budget.add(text)
    if not budget.blocks:
        for line in root.text_content().splitlines():
            if line.strip():
                budget.add(line.strip())
    return budget.text()


def safe_zip(data: bytes, name: str, kind: str = ".docx") -> bytes:
    """A zip (a .docx) checked and copied part by part, for a parser to read instead of ``data``.

    Refused before any XML is parsed: too many parts, a part that declares a zip-bomb ratio, parts that
    together declare more than ``MAX_UNZIPPED_BYTES``. Declared sizes can lie, and ``zipfile.read`` of a
    part decompresses all of its data in one go before cutting it to the declared size (gigabytes from a
    lying 5 MB file), so each part is read here in 1 MB steps (bounded memory), never past its declared size
    nor the total limit, and stored uncompressed in a new zip: the parser only ever sees bytes counted here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise IngestError(f"{name}: not a readable {kind} file (it has {len(members):,} parts)")
            declared = 0
            for info in members:
                declared += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 1_000_000 and ratio > MAX_ZIP_RATIO:
                    raise IngestError(
                        f"{name}: refused: part {info.filename!r} expands {ratio:,.0f} times "
                        f"(to {info.file_size:,} bytes), like a zip bomb"
                    )
            if declared > MAX_UNZIPPED_BYTES:
                raise IngestError(
                    f"{name}: refused: its parts expand to {declared:,} bytes; the limit is {MAX_UNZIPPED_BYTES:,}"
                )
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
                for info in members:
                    if info.is_dir():
                        continue
                    with archive.open(info) as part, copy.open(info.filename, "w", force_zip64=True) as target:
                        while chunk := part.read(1 << 20):  # stops at the declared size; a lie fails its CRC
                            target.write(chunk)
            return out.getvalue()
    except IngestError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError (compression), EOFError, ...
        raise IngestError(f"{name}: not a readable {kind} file ({exc.__class__.__name__}: {_one_line(exc)})") from None


def _docx_blocks(document) -> Iterable[str]:  # python-docx Document
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if text:
            yield text


def docx_to_text(data: bytes, name: str = "input") -> str:
    """The paragraphs of a .docx, after checking what its parts expand to."""
    import docx

    checked = safe_zip(data, name)
    budget = _Budget(name, ".docx file")
    try:
        document = docx.Document(io.BytesIO(checked))
        for text in _docx_blocks(document):
            budget.add(text)
    except IngestError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx's own errors on corrupt parts
        raise IngestError(f"{name}: not a readable .docx file ({exc.__class__.__name__}: {_one_line(exc)})") from None
    return budget.text()


# pypdf's resource limits, tightened to what one article needs; jbig2dec (an external program) is never run.
_PDF_CONFIGURATION = {
    "maximum_declared_stream_length": 20_000_000,
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "brotli_maximum_output_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "stream_decoding_work_maximum_length": 60_000_000,
    "page_tree_maximum_entries": 4 * MAX_PDF_PAGES,
    "jbig2dec_binary": None,
}


def _declared_pages(reader) -> int | None:  # pypdf PdfReader
    """The page count the PDF's page tree declares (cheap; may lie, so it only serves to refuse early)."""
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:  # a broken or missing page tree: pypdf's own walk reports it
        return None


def pdf_to_text(data: bytes, name: str = "input") -> str:
    """The text layer of a PDF, page by page, stopping at the page, word, character and time limits."""
    import pypdf

    budget = _Budget(name, "PDF")
    try:
        with pypdf.apply_configuration(**_PDF_CONFIGURATION):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise IngestError(f"{name}: the PDF is encrypted; export an unencrypted copy")
            pages = _declared_pages(reader)
            if pages is None or pages <= MAX_PDF_PAGES:
                pages = len(reader.pages)  # walks the page tree (bounded by page_tree_maximum_entries)
            if pages > MAX_PDF_PAGES:
                raise IngestError(f"{name}: the PDF has {pages:,} pages; the limit is {MAX_PDF_PAGES:,} pages")
            for page in reader.pages:
                budget.check_time()
                text = (page.extract_text() or "").strip()
                if text:
                    budget.add(text)
    except IngestError:
        raise
    except pypdf.errors.LimitReachedError as exc:
        raise IngestError(f"{name}: refused: the PDF goes past safe limits ({_one_line(exc)})") from None
    except Exception as exc:  # PdfReadError and the assorted errors of broken objects
        raise IngestError(f"{name}: not a readable PDF ({exc.__class__.__name__}: {_one_line(exc)})") from None
    text = budget.text()
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
    """``text`` if it can be annotated (not blank, valid Unicode, within the limits), else IngestError."""
    if not text.strip():
        raise IngestError(f"{name}: no text found (the input is empty or whitespace only)")
    problem = surrogate_message(text)
    if problem:
        raise IngestError(f"{name}: {problem}")
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(f"{name}: {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} characters")
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
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # a file that grows (or a FIFO) is still read only to the limit
    except PermissionError:
        raise IngestError(f"{p}: permission denied") from None
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return extract_text(data, p.name)
