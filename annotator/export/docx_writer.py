"""DOCX report (python-docx): the article with highlighted runs, a Word comment per flag, summary tables.

Each flagged run is shaded with a light tint of its category colour and underlined in the full colour
(the same colours as the app); the explanation and neutral wording are a Word comment anchored to the
run, and a numbered list of flags follows the article for readers who print the document, then the neutral
rewrites (removed words struck through in red, neutral wording bold and underlined in green).

Long texts stay linear: article and rewrite paragraphs are inserted before an anchor paragraph (python-docx's
``add_paragraph`` scans the whole body for the section properties on every call), and Word comments are
capped at ``MAX_COMMENTS`` (python-docx looks up every existing comment id to number a new one, so
comments cost time quadratic in their number); past the cap the document says so, and every flag stays
highlighted and listed in the Flags table.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import docx
from docx.enum.text import WD_UNDERLINE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from annotator.document import Document
from annotator.export.html_writer import footer_text
from annotator.export.naming import article_title
from annotator.render.article import most_loaded_sentences, tooltip_text
from annotator.render.palette import CategoryStyle, category_styles, style_for
from annotator.render.tables import flag_groups, grouped_annotation_rows, headline, sentence_rows
from annotator.rewrite import neutral_rewrites

COMMENT_AUTHOR = "Framing annotator"
MAX_COMMENTS = 1000  # Word comments per document (0.2 s of python-docx numbering at the cap; see the docstring)
_MUTED = RGBColor(0x76, 0x76, 0x76)
_QUOTE = RGBColor(0x24, 0x40, 0x5C)
_REMOVED = RGBColor(0x88, 0x22, 0x55)
_INSERTED = RGBColor(0x11, 0x77, 0x33)
# XML 1.0 forbids most control characters; python-docx would raise on them.
_XML_BAD = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)] + [0xFFFE, 0xFFFF])


def _clean(text: str) -> str:
    return text.translate(_XML_BAD)


def _shade(run: Run, style: CategoryStyle, suggested: bool = False) -> None:
    """Light tint background plus a thick underline in the category colour; a model suggestion
    (``loaded_word``) gets a dashed underline and no tint, as in the app."""
    rpr = run._r.get_or_add_rPr()
    if suggested:
        run.font.underline = WD_UNDERLINE.DASH_HEAVY
        underline = rpr.find(qn("w:u"))
        if underline is not None:
            underline.set(qn("w:color"), style.colour.lstrip("#"))
        return
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), style.tint.lstrip("#"))
    rpr.append(shd)
    run.font.underline = WD_UNDERLINE.THICK
    underline = rpr.find(qn("w:u"))
    if underline is not None:
        underline.set(qn("w:color"), style.colour.lstrip("#"))


class _Sweep:
    """Which spans cover a position, for positions visited in increasing order (linear overall)."""

    def __init__(self, spans: list[tuple[int, int, int]]) -> None:
        self.spans = sorted(spans)
        self.next = 0
        self.active: list[tuple[int, int, int]] = []

    def at(self, pos: int) -> list[int]:
        while self.next < len(self.spans) and self.spans[self.next][0] <= pos:
            self.active.append(self.spans[self.next])
            self.next += 1
        self.active = [span for span in self.active if span[1] > pos]
        return [index for _, _, index in self.active]


def _write_article(before: Paragraph, doc: Document, styles: dict[str, CategoryStyle]) -> None:
    """The highlighted article, paragraph by paragraph, inserted before ``before`` (linear in the text)."""
    text = doc.text
    runs_of: dict[int, list[Run]] = {}
    flags = _Sweep([(a.span.start, a.span.end, i) for i, a in enumerate(doc.annotations)])
    quotes = _Sweep([(q.start, q.end, i) for i, q in enumerate(doc.quotes)])
    sentences = _Sweep([(s.span.start, s.span.end, i) for i, s in enumerate(doc.sentences)])
    bounds = sorted(
        {p for a in doc.annotations for p in (a.span.start, a.span.end)}
        | {p for q in doc.quotes for p in (q.start, q.end)}
        | {p for s in doc.sentences for p in (s.span.start, s.span.end)}
    )
    headings = {s.span.start for s in doc.sentences if s.kind == "heading"}
    heading_style = before.part.document.styles["Heading 2"]
    cursor = 0
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        first_char = start + len(line) - len(line.lstrip())
        if first_char in headings:  # the article's own subheadings get a heading style (navigation pane, outline)
            paragraph = before.insert_paragraph_before(style=heading_style)
        else:
            paragraph = before.insert_paragraph_before()
            paragraph.paragraph_format.space_after = Pt(6)
        while cursor < len(bounds) and bounds[cursor] <= start:
            cursor += 1
        cuts = [start]
        while cursor < len(bounds) and bounds[cursor] < end:
            cuts.append(bounds[cursor])
            cursor += 1
        cuts.append(end)
        for lo, hi in itertools.pairwise(cuts):
            if hi <= lo:
                continue
            run = paragraph.add_run(_clean(text[lo:hi]))
            in_sentence = sentences.at(lo)
            kind = doc.sentences[in_sentence[0]].kind if in_sentence else "prose"
            if kind in ("caption", "credit", "dateline"):
                run.font.color.rgb = _MUTED
                run.font.size = Pt(9)
            elif kind == "heading":
                run.bold = True
            if quotes.at(lo):
                run.italic = True
                run.font.color.rgb = _QUOTE
            covering = flags.at(lo)
            if covering:
                # The innermost (shortest) flag decides the colour; every flag gets its own comment.
                inner = min(covering, key=lambda i: len(doc.annotations[i].span))
                flag = doc.annotations[inner]
                _shade(run, style_for(flag.category, styles), suggested=flag.detector == "loaded_word")
                for i in covering:
                    runs_of.setdefault(i, []).append(run)
    repeat_of = {i: (n, len(group), group[0]) for group in flag_groups(doc) for n, i in enumerate(group, 1)}
    document = before.part.document
    for i, runs in sorted(runs_of.items())[:MAX_COMMENTS]:
        a = doc.annotations[i]
        n, uses, first = repeat_of[i]
        if n == 1:
            note = f"[{i + 1}] " + tooltip_text(a, style_for(a.category, styles))
        else:  # the reason once, on the first use; repeats point back to it instead of repeating it
            note = f"[{i + 1}] {style_for(a.category, styles).name}: use {n} of {uses}, see comment [{first + 1}]."
        document.add_comment(runs, text=_clean(note), author=COMMENT_AUTHOR, initials="FA")


def _comment_cap_note(doc: Document) -> str:
    """A sentence for the legend when the flags outnumber the Word comments (empty otherwise)."""
    if len(doc.annotations) <= MAX_COMMENTS:
        return ""
    return (
        f" This text has {len(doc.annotations):,} flags: Word comments are attached to the first "
        f"{MAX_COMMENTS:,} in reading order (more make Word slow); all of them are highlighted and listed in the "
        "Flags table."
    )


def _table(document: docx.document.Document, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.text = label
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = _clean(value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = docx.shared.Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def _write_rewrites(document: docx.document.Document, doc: Document) -> None:
    rewrites = neutral_rewrites(doc)
    if not rewrites:
        return
    document.add_heading("Neutral rewrites", level=1)
    hint = document.add_paragraph(
        "Each flagged sentence with its loaded terms swapped for the first neutral alternative: removed words are "
        "struck through, neutral wording is bold and underlined. Words inside direct quotes are never changed."
    )
    hint.runs[0].font.size = Pt(9)
    numbers = {s.span: i for i, s in enumerate(doc.sentences, 1)}
    end = document.add_paragraph()  # a blank line after the list; the items go before it (linear, see above)
    bullet = document.styles["List Bullet"]
    for r in rewrites:
        paragraph = end.insert_paragraph_before(style=bullet)
        label = paragraph.add_run(f"Sentence {numbers.get(r.sentence, '?')}: ")
        label.bold = True
        label.font.size = Pt(9)
        for op, text in r.diff():
            run = paragraph.add_run(_clean(" ".join(text.split("\n"))))
            if op == "-":
                run.font.strike = True
                run.font.color.rgb = _REMOVED
            elif op == "+":
                run.bold = True
                run.font.underline = True
                run.font.color.rgb = _INSERTED


def to_docx(doc: Document, *, title: str | None = None, generated: dt.datetime | None = None) -> bytes:
    generated = generated or dt.datetime.now()
    title = title or article_title(doc)
    styles = category_styles()
    head = headline(doc)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    document.core_properties.title = _clean(f"Framing report: {title}").strip()
    document.core_properties.author = COMMENT_AUTHOR

    document.add_heading("Framing report", level=0)
    # The title may have nothing left once control characters are cleaned out (a first line of "\x13" or a lone
    # bullet): the paragraph then gets a stand-in rather than no run at all.
    document.add_paragraph().add_run(_clean(title).strip() or "Untitled article").bold = True

    document.add_heading("Summary", level=1)
    summary_rows = [
        ["Sentences read as biased", head.biased_share, head.biased_help],
        ["Loaded terms per 100 words", head.loaded_per_100, head.loaded_help],
        ["Top categories", head.top_categories, ""],
        ["Anonymous sources", head.anonymous_sources, ""],
        ["Flags in total", str(len(doc.annotations)), f"{head.summary.words:,} words"],
        ["Classifier", head.model_name, head.model_quality],
    ]
    _table(document, ["Measure", "Value", "Note"], summary_rows, [5.0, 4.0, 8.0])

    document.add_heading("Legend", level=1)
    legend = document.add_paragraph()
    present = sorted({a.category for a in doc.annotations}, key=lambda c: style_for(c, styles).order)
    for category in present:
        style = style_for(category, styles)
        run = legend.add_run(f" {style.name} ")
        _shade(run, style)
        legend.add_run("  ")
    if not present:
        legend.add_run("Nothing flagged with the current settings.")
    hint = document.add_paragraph(
        "Each highlight has a comment with the reason and a neutral alternative; italic blue text is a direct "
        "quote; grey small text is a caption or credit." + _comment_cap_note(doc)
    )
    hint.runs[0].font.size = Pt(9)

    document.add_heading("Highlighted article", level=1)
    _write_article(document.add_heading("Flags", level=1), doc, styles)

    flag_rows = [
        [str(r["#"]), r["Text"], str(r["Count"]), r["Category"], r["Voice"], f"{r['Score']:.2f}", r["Why"],
         r["Neutral wording"], r["Where"]]
        for r in grouped_annotation_rows(doc)
    ]  # fmt: skip
    if flag_rows:
        _table(
            document,
            ["#", "Text", "Uses", "Category", "Voice", "Score", "Why", "Neutral wording", "Where"],
            flag_rows,
            [0.8, 2.4, 1.0, 2.2, 1.6, 1.2, 4.6, 2.4, 2.4],
        )
    else:
        document.add_paragraph("Nothing flagged with the current settings.")

    _write_rewrites(document, doc)

    rows = sentence_rows(doc)
    own, quoted = most_loaded_sentences(doc)
    for title, items in (
        ("Most loaded sentences in the writer's own words", own),
        ("Most loaded sentences in direct quotes (someone else's words)", quoted),
    ):
        if not items:
            continue
        document.add_heading(title, level=1)
        top = [rows[i] for _, i in sorted(items, key=lambda item: (-item[0], item[1]))[:15]]
        _table(
            document,
            ["#", "Sentence", "Bias", "Words that pushed the score"],
            [[str(r["#"]), r["Sentence"], f"{r['Bias']:.2f}", r["Top words"]] for r in top],
            [0.8, 10.0, 1.4, 5.0],
        )

    footer = document.add_paragraph(_clean(footer_text(doc, generated)))
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = _MUTED
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
