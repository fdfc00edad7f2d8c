"""Builders for upload test files (docx, pdf with and without a text layer, html) made in memory."""

from __future__ import annotations

import io

ARTICLE = (
    "Officials called the protest a provocation. Experts believe the so-called referendum was a coup d'etat.\n\n"
    "The minister said the plan was a disaster."
)


def make_docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _escape_pdf(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(lines: list[str] | None, pages: int = 1, content: bytes | None = None, filters: str = "") -> bytes:
    """A PDF of ``pages`` pages sharing one content stream; ``lines`` become a Helvetica text layer, ``None``
    gives a page with no text (a 'scan'). ``content`` (with ``filters``, e.g. ``/FlateDecode``) replaces the
    stream's bytes, to build broken or oversized streams."""
    if content is None and lines:
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        for line in lines:
            ops.append(f"({_escape_pdf(line)}) Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("latin-1")
    elif content is None:
        content = b"0.9 g 50 50 200 200 re f"  # a grey box: drawing, no text
    first_page = 6
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    filter_entry = f" /Filter {filters}".encode() if filters else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Font << /F1 5 0 R >> >>",
        b"<< /Length " + str(len(content)).encode() + filter_entry + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources 3 0 R /Contents 4 0 R >>"
    objects += [page] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_html(body_paragraphs: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body_paragraphs)
    return (
        "<!doctype html><html><head><title>Site</title><script>var tracking = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>Headline here</h1>{paragraphs}</article>"
        "<footer>Copyright Example News. Subscribe now!</footer></body></html>"
    ).encode()


# name -> (file name, bytes, a phrase the extracted text must contain)
GOOD_UPLOADS: dict[str, tuple[str, bytes, str]] = {
    "txt": ("article.txt", ARTICLE.encode("utf-8"), "coup d'etat"),
    "md": ("article.md", ("# A heading\n\n" + ARTICLE).encode("utf-8"), "so-called referendum"),
    "html": ("article.html", make_html(ARTICLE.split("\n\n")), "coup d'etat"),
    "docx": ("article.docx", make_docx(ARTICLE.split("\n\n")), "coup d'etat"),
    "pdf": ("article.pdf", make_pdf(ARTICLE.replace("\n\n", " ").split(". ")), "coup d'etat"),
}

# name -> (file name, bytes, a phrase the error message must contain)
BAD_UPLOADS: dict[str, tuple[str, bytes, str]] = {
    "empty txt": ("empty.txt", b"", "empty"),
    "whitespace txt": ("blank.txt", b"   \n\n  ", "no text"),
    "binary as txt": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "latin-1 txt": ("old.txt", "caf\xe9 cr\xe8me".encode("latin-1"), "UTF-8"),
    "corrupt docx": ("broken.docx", b"PK\x03\x04 this is not really a zip file", "docx"),
    "docx that is text": ("fake.docx", b"just some text", "docx"),
    "corrupt pdf": ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "PDF"),
    "pdf that is text": ("fake.pdf", b"hello world", "not a PDF"),
    "scanned pdf": ("scan.pdf", make_pdf(None), "no text layer"),
    "wrong extension": ("slides.pptx", b"PK\x03\x04", "unsupported file type"),
}


# ---- hostile files: each small and fast to build, each must give a one-line IngestError quickly ------------


def rezip(base: bytes, replace: dict[str, bytes], extra: int = 0, filler: int = 0) -> bytes:
    """``base`` (a zip) with some parts replaced, plus ``extra`` added parts of ``filler`` spaces each."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for i in range(extra):
            dst.writestr(f"word/media/pad{i}.xml", b" " * filler)
    return out.getvalue()


def lying_zip(base: bytes, part: str, content: bytes, declared: int = 1000, match_crc: bool = False) -> bytes:
    """``base`` with ``part`` replaced by ``content`` while its headers declare ``declared`` bytes (a lying bomb);
    ``match_crc`` also sets the CRC to that of the declared prefix, so the lie passes zipfile's CRC check."""
    import zlib

    data = bytearray(rezip(base, {part: content}))
    name = part.encode()
    crc = zlib.crc32(content[:declared]).to_bytes(4, "little")
    # (signature, offset of CRC-32, offset of the uncompressed size, offset of the name)
    for signature, crc_at, size_at, name_at in ((b"PK\x01\x02", 16, 24, 46), (b"PK\x03\x04", 14, 22, 30)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = declared.to_bytes(4, "little")
                if match_crc:
                    data[at + crc_at : at + crc_at + 4] = crc
            at = data.find(signature, at + 4)
    return bytes(data)


def hostile_uploads() -> dict[str, tuple[str, bytes, str, str]]:
    """name -> (file name, bytes, a phrase the error must contain, why it matters). Built on demand (~0.5 s)."""
    import zlib

    good_docx = make_docx(["A first paragraph.", "A second paragraph."])
    document = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
    document += b'main"><w:body><w:p><w:r><w:t>'
    bomb_xml = document + b" " * 60_000_000 + b"</w:t></w:r></w:p></w:body></w:document>"
    return {
        "docx bomb": (
            "bomb.docx",
            rezip(good_docx, {"word/document.xml": bomb_xml}),
            "zip bomb",
            "one part expands 1000x: refused before python-docx parses 60 MB of XML",
        ),
        "docx many padded parts": (
            "padded.docx",
            rezip(good_docx, {}, extra=50, filler=900_000),
            "expand to",
            "each part is under 1 MB, together 45 MB: the total is checked too",
        ),
        "docx lying sizes": (
            "liar.docx",
            lying_zip(good_docx, "word/document.xml", bomb_xml),
            "not a readable .docx",
            "the headers claim 1,000 bytes; zipfile reads no more than that, so it fails its CRC check",
        ),
        "docx lying sizes, matching CRC": (
            "liar2.docx",
            lying_zip(good_docx, "word/document.xml", bomb_xml, declared=900_000, match_crc=True),
            "not a readable .docx",
            "declares 900 KB with the right CRC for them; only 900 KB are ever decompressed (memory stays small)",
        ),
        "docx without document part": (
            "nodoc.docx",
            rezip(good_docx, {"word/document.xml": b""}),
            "not a readable .docx",
            "an empty XML part: lxml raises, which must become the one-line error",
        ),
        "docx with broken xml": (
            "brokenxml.docx",
            rezip(good_docx, {"word/document.xml": document + b"<unclosed"}),
            "not a readable .docx",
            "an XMLSyntaxError from lxml inside python-docx",
        ),
        "pdf stream bomb": (
            "bomb.pdf",
            make_pdf(None, content=zlib.compress(b"0" * 30_000_000, 9), filters="/FlateDecode"),
            "safe limits",
            "pypdf's LimitReachedError, once a raw traceback",
        ),
        "pdf 15,000 pages": (
            "pages.pdf",
            make_pdf(["One line."], pages=15_000),
            "15,000 pages",
            "refused from the declared page count, before any page is read",
        ),
        "pdf lying page count": (
            "liar.pdf",
            make_pdf(["One line."], pages=9_000).replace(b"/Count 9000", b"/Count 1   "),
            "safe limits",
            "the page tree says 1 page, walking it is capped",
        ),
        "pdf past the word limit": (
            "long.pdf",
            make_pdf(["word " * 50] * 60, pages=50),
            "100,000 words",
            "extraction stops at the word limit instead of reading every page",
        ),
        "pdf broken xref": (
            "xref.pdf",
            b"%PDF-1.4\nxref\n0 1\nzzzz\ntrailer\n<< /Root 9 0 R >>\nstartxref\n9\n%%EOF\n",
            "PDF",
            "garbage where pypdf expects objects",
        ),
        "html past the word limit": (
            "long.html",
            b"<p>word word word word word word word word word word</p>" * 12_000,
            "100,000 words",
            "blocks stop being collected at the limit",
        ),
        "html nested 200,000 deep": (
            "deep.html",
            b"<div>" * 200_000 + b"text",
            "no text",
            "libxml2 caps the depth; no recursion error, no minutes of parsing",
        ),
        "txt with a late NUL": (
            "late.txt",
            b"A sentence of text. " * 1000 + b"\x00",
            "binary",
            "binary detection looks at the whole input, not the first 8 KB",
        ),
        "html with a late NUL": (
            "late.html",
            b"<p>text</p>" * 1000 + b"\x00",
            "binary",
            "same rule for HTML",
        ),
    }


def make_damaged_feedback_db(path, page_size: int = 4096):  # -> Path
    """A feedback database with 300 decisions whose pages 2-4 are overwritten: it opens, then every read fails."""
    import sqlite3

    from annotator.feedback import Decision, FeedbackStore

    store = FeedbackStore(path)
    for i in range(300):
        store.record(Decision("h" * 64, "annotation", i, i + 3, "agree", detector="lexicon", note="a note " * 50))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page into the main file
    data = bytearray(path.read_bytes())
    assert len(data) >= 5 * page_size, "the database spans the pages to damage"
    for offset in range(2 * page_size, 5 * page_size, 7):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return path
