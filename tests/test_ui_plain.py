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
    "heading and list": ("# Title\n- item\n1. one", "block syntax at line starts; newlines become spaces"),
    "backslash": ("a\\*b.csv", "a backslash that would escape our own escape"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_ui_plain_escapes_every_markdown_character(case):
    text, reason = CASES[case]
    out = plain(text)
    assert "\n" not in out, reason
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", out)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped), f"{reason}: every ASCII punctuation mark is escaped"
    assert re.sub(r"\\(.)", r"\1", out) == " ".join(text.split()), "removing the escapes gives the text back"


def test_ui_plain_keeps_letters_and_unicode():
    assert plain("Kyiv — “coup” 2014") == "Kyiv — “coup” 2014"
