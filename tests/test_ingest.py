"""Uploads: every supported type gives the article text; every unusable file gives a clear one-line error."""

from __future__ import annotations

import time

import pytest

from annotator.ingest import MAX_BYTES, MAX_WORDS, IngestError, check_text, extract_text, read_path
from tests.files import BAD_UPLOADS, GOOD_UPLOADS, hostile_uploads, make_html, make_pdf


@pytest.mark.parametrize("kind", sorted(GOOD_UPLOADS))
def test_ingest_extracts_text_from_each_type(kind):
    name, data, phrase = GOOD_UPLOADS[kind]
    text = extract_text(data, name)
    assert phrase in text


@pytest.mark.parametrize("kind", sorted(BAD_UPLOADS))
def test_ingest_rejects_unusable_files_with_a_clear_message(kind):
    name, data, phrase = BAD_UPLOADS[kind]
    with pytest.raises(IngestError) as info:
        extract_text(data, name)
    message = str(info.value)
    assert phrase.lower() in message.lower()
    assert message.startswith(name), "the message names the file"
    assert "Traceback" not in message and "\n" not in message


def test_ingest_html_drops_boilerplate():
    text = extract_text(make_html(["First paragraph.", "Second paragraph."]), "page.html")
    assert "First paragraph." in text and "Second paragraph." in text
    assert "Home" not in text, "navigation is dropped"
    assert "Subscribe" not in text, "the footer is dropped"
    assert "tracking" not in text, "scripts are dropped"


def test_ingest_html_keeps_markup_characters_as_text():
    text = extract_text(b"<p>Say &lt;script&gt;alert(1)&lt;/script&gt; here</p>", "x.html")
    assert "<script>alert(1)</script>" in text


def test_ingest_enforces_size_limit():
    with pytest.raises(IngestError, match="5 MB"):
        extract_text(b"a " * (MAX_BYTES // 2 + 1), "big.txt")


def test_ingest_enforces_word_limit():
    data = ("word " * (MAX_WORDS + 1)).encode()
    assert len(data) <= MAX_BYTES
    with pytest.raises(IngestError, match="100,000 words"):
        extract_text(data, "long.txt")


def test_ingest_extension_is_case_insensitive():
    _, data, phrase = GOOD_UPLOADS["docx"]
    assert phrase in extract_text(data, "ARTICLE.DOCX")


def test_ingest_utf8_bom_and_crlf_are_normalised():
    assert extract_text("\ufeffLine one.\r\nLine two.".encode(), "a.txt") == "Line one.\nLine two."


def test_ingest_read_path_errors(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(IngestError, match="directory"):
        read_path(tmp_path)
    path = tmp_path / "ok.md"
    path.write_text("Some *markdown* text.", encoding="utf-8")
    assert read_path(path) == "Some *markdown* text."


# ---- hostile files (issue 11): each gives a one-line IngestError, quickly -----------------------------------

_HOSTILE = hostile_uploads()


@pytest.mark.parametrize("kind", sorted(_HOSTILE))
def test_ingest_hostile_files_give_a_one_line_error_quickly(kind):
    name, data, phrase, reason = _HOSTILE[kind]
    assert len(data) <= MAX_BYTES, "the file itself is within the upload limit"
    started = time.perf_counter()
    with pytest.raises(IngestError) as info:
        extract_text(data, name)
    elapsed = time.perf_counter() - started
    message = str(info.value)
    assert phrase.lower() in message.lower(), (reason, message)
    assert message.startswith(name) and "\n" not in message, reason
    assert elapsed < 5, f"{reason}: took {elapsed:.1f} s"


def test_ingest_html_library_error_becomes_ingest_error(monkeypatch):
    import lxml.etree
    import lxml.html

    def broken(*args, **kwargs):
        raise lxml.etree.ParserError("simulated\nparser failure")

    monkeypatch.setattr(lxml.html, "document_fromstring", broken)
    with pytest.raises(IngestError, match=r"^page.html: could not parse HTML \(simulated parser failure\)$"):
        extract_text(b"<p>text</p>", "page.html")


def test_ingest_pdf_pages_are_all_read_below_the_limits():
    text = extract_text(make_pdf(["A sentence on every page."], pages=40), "many.pdf")
    assert text.count("A sentence on every page.") == 40


def test_ingest_html_keeps_nested_blocks_once():
    text = extract_text(b"<article><blockquote><p>Inner one.</p><p>Inner two.</p></blockquote></article>", "q.html")
    assert text == "Inner one.\n\nInner two."


def test_ingest_check_text_rejects_lone_surrogates():
    with pytest.raises(IngestError, match="lone surrogate U\\+D800 at character 4"):
        check_text("abc \ud800 def", "api")


@pytest.mark.parametrize(
    ("html", "expected", "reason"),
    [
        (b"<p>line one<br>line two</p>", "line one line two", "a <br> separates words"),
        (b"<p><b>Bold</b>ly said</p>", "Boldly said", "inline tags do not add spaces inside words"),
        (b"<p>a &amp; b</p><!-- hidden comment --><p>c</p>", "a & b\n\nc", "entities decoded, comments dropped"),
        (b"<div>No blocks at all</div>", "No blocks at all", "text outside blocks is the fallback"),
    ],
)
def test_ingest_html_text_layout(html, expected, reason):
    assert extract_text(html, "x.html") == expected, reason


def test_ingest_lying_docx_is_never_decompressed_whole():
    import tracemalloc

    name, data, _, reason = _HOSTILE["docx lying sizes, matching CRC"]
    tracemalloc.start()
    try:
        with pytest.raises(IngestError):
            extract_text(data, name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000, f"{reason}: peak {peak / 1e6:.0f} MB (the part really expands to 60 MB)"
