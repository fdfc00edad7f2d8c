"""Neutral rewrites as HTML diffs: removed words struck through, inserted words highlighted.

Used by the app (``st.html``) and the HTML reports. Every piece of text is escaped; the markup is
``<del>``/``<ins>`` so the diff also reads correctly with CSS switched off or in a screen reader.
"""

from __future__ import annotations

from html import escape

from annotator.document import Document
from annotator.rewrite import Rewrite

# Scoped under .fa-rw so it cannot restyle the host page.
REWRITE_CSS = """
ol.fa-rw{font:400 .95rem/1.6 Georgia,'Times New Roman',serif;color:#1a1a1a;margin:0;padding:0;list-style:none}
.fa-rw li{margin:0 0 .8rem;padding:.55rem .8rem;background:#fff;border:1px solid #e3e3e0;border-radius:8px}
.fa-rw .fa-rw-n{font:600 .75rem/1.4 system-ui,sans-serif;color:#555;display:block;margin-bottom:.15rem}
.fa-rw del{text-decoration:line-through;text-decoration-color:#882255;text-decoration-thickness:2px;
  color:#6b2340;background:#F6E3EA;border-radius:2px;padding:0 1px;margin-right:.2em}
.fa-rw ins{text-decoration:none;background:#D9EFE0;color:#0B4D2A;box-shadow:inset 0 -2px 0 #117733;
  border-radius:2px;padding:0 1px;font-weight:600}
.fa-rw .fa-rw-plain{display:block;margin-top:.25rem;font:400 .85rem/1.5 system-ui,sans-serif;color:#444}
.fa-rw .fa-rw-plain b{font-weight:600;color:#555}
"""


def diff_html(rewrite: Rewrite) -> str:
    """The sentence with ``<del>`` for removed and ``<ins>`` for inserted words (all text escaped)."""
    parts = []
    for op, text in rewrite.diff():
        text = escape(" ".join(text.split("\n")), quote=False)
        if op == "-":
            parts.append(f'<del title="removed">{text}</del>')
        elif op == "+":
            parts.append(f'<ins title="neutral alternative">{text}</ins>')
        else:
            parts.append(text)
    return "".join(parts)


def sentence_number(doc: Document, rewrite: Rewrite) -> int | None:
    """1-based number of the rewritten sentence (as in the Sentences table)."""
    return sentence_numbers(doc).get(rewrite.sentence)


def sentence_numbers(doc: Document) -> dict:
    """Each sentence's span -> its 1-based number (the first sentence with that span), built once per page so
    numbering every rewrite stays linear in the text."""
    numbers: dict = {}
    for i, s in enumerate(doc.sentences):
        numbers.setdefault(s.span, i + 1)
    return numbers


def rewrites_html(doc: Document, rewrites: list[Rewrite], show_plain: bool = True) -> str:
    """An ordered list of diffs, one per flagged sentence; include ``REWRITE_CSS`` once on the page."""
    if not rewrites:
        return '<p class="fa-rw-none">No sentence has a loaded term with a concrete neutral alternative.</p>'
    items = []
    numbers = sentence_numbers(doc)
    for r in rewrites:
        number = numbers.get(r.sentence)
        label = f"Sentence {number}" if number else "Sentence"
        label += f" · {len(r.changes)} change{'s' if len(r.changes) != 1 else ''}"
        plain = ""
        if show_plain:
            rewritten = escape(" ".join(r.rewritten.split()), quote=False)
            plain = f'<span class="fa-rw-plain"><b>Rewritten:</b> {rewritten}</span>'
        items.append(f'<li><span class="fa-rw-n">{label}</span>{diff_html(r)}{plain}</li>')
    return '<ol class="fa-rw">' + "".join(items) + "</ol>"
