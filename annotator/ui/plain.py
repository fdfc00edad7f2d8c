"""User-supplied text (file names, article names, terms, errors quoting them) made safe for Streamlit Markdown.

``st.success``, ``st.markdown``, ``st.caption`` and friends render Markdown: a file named
``[x](https://evil)![i](https://evil/p.png).csv`` would become a link and an image the browser fetches, and
``:red[...]``, ``:material/...:`` or ``$...$`` would turn into colours, icons and maths. ``plain`` escapes with a
backslash (CommonMark's own escape) every character that starts inline markup, plus the few that start a block
at the beginning of the text and the ``.`` of ``www.`` (GFM turns ``www.x.y`` into a link), so the text shows as
typed while ordinary names such as ``housing.csv`` stay readable in the source. Line breaks become spaces.
Pure string code (no Streamlit import), so it is tested without the app.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_{}\[\]()<>#+!|~:$&^@])")  # links, images, emphasis, code, HTML, directives, maths
_BLOCK_START = re.compile(r"^([-.=>])|^(\d+)([.)])")  # list items, quotes, headings at the very start
_WWW = re.compile(r"(?i)\b(www)\.")


def plain(text: object) -> str:
    """``text`` for a Markdown-rendering Streamlit call, shown literally (line breaks become spaces)."""
    out = _INLINE.sub(r"\\\1", " ".join(str(text).split()))
    out = _BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), out)
    return _WWW.sub(r"\1\\.", out)
