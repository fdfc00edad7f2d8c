"""User-supplied text (file names, article names, terms, errors quoting them) made safe for Streamlit Markdown.

``st.success``, ``st.markdown``, ``st.caption`` and friends render Markdown: a file named
``[x](https://evil)![i](https://evil/p.png).csv`` would become a link and an image the browser fetches, and
``:red[...]``, ``:material/...:`` or ``$...$`` would turn into colours, icons and maths. ``plain`` escapes every
ASCII punctuation mark with a backslash (CommonMark's own escape), so the text shows as the characters typed.
Pure string code (no Streamlit import), so it is tested without the app.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plain(text: object) -> str:
    """``text`` for a Markdown-rendering Streamlit call, shown literally (line breaks become spaces)."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
