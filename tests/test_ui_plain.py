"""User-supplied names shown in Streamlit Markdown (notices, captions) render as the characters typed."""

from __future__ import annotations

import re

import pytest

from annotator.ui.plain import plain

# name -> (text, reason)
CASES = {
    "link and image": ("[x](https://evil.example)![i](https://evil.example/p.png).csv", "a link and a fetched image"),
    "emphasis": ("**bold** _it_ ~~gone~~.csv", "emphasis and strikethrough"),
    "colour directive": (":red[alarm] :material/warning: list.csv", "Streamlit colours and icons"),
    "maths": ("$x^2$ and $$y$$.csv", "KaTeX maths"),
    "html": ("<img src=x onerror=alert(1)>.csv", "raw HTML"),
    "entity": ("&lt;b&gt;.csv", "an HTML entity"),
    "heading and list": ("# Title\n- item\n1. one", "block syntax; newlines become spaces"),
    "list at the start": ("- item.csv", "a list marker at the start"),
    "ordered list at the start": ("2024. review.csv", "a number and a dot at the start"),
    "autolinks": ("see www.evil.example or me@evil.example", "GFM autolink literals"),
    "backslash": ("a\\*b.csv", "a backslash that would escape our own escape"),
}
DANGEROUS = set("\\`*_{}[]()<>#+!|~:$&^@")


@pytest.mark.parametrize("case", sorted(CASES))
def test_ui_plain_escapes_markdown(case):
    text, reason = CASES[case]
    out = plain(text)
    assert "\n" not in out, reason
    bare = re.sub(r"\\.", "", out)
    assert not DANGEROUS & set(bare), f"{reason}: every markup character is escaped ({out!r})"
    assert not re.match(r"[-.=>]|\d+[.)]", bare), f"{reason}: nothing starts a block"
    assert "www." not in bare.lower(), reason
    assert re.sub(r"\\(.)", r"\1", out) == " ".join(text.split()), "removing the escapes gives the text back"


def test_ui_plain_keeps_ordinary_names_readable():
    assert plain("housing.csv") == "housing.csv"
    assert plain("Kyiv — “coup” 2014, re-run") == "Kyiv — “coup” 2014, re-run"
