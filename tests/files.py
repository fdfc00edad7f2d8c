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


def make_pdf(lines: list[str] | None) -> bytes:
    """A one-page PDF; ``lines`` become a Helvetica text layer, ``None`` gives a page with no text (a 'scan')."""
    if lines:
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        for line in lines:
            ops.append(f"({_escape_pdf(line)}) Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("latin-1")
    else:
        content = b"0.9 g 50 50 200 200 re f"  # a grey box: drawing, no text
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
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
