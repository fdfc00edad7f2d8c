"""The input limits every door applies (files, pasted text, the API, links), in one place.

They keep one bad input from taking minutes or gigabytes: a file is refused by its size before it is parsed,
compressed formats by the size they would expand to, and long documents as soon as their text passes the word
or character limit, never after reading them whole. ``lone_surrogate`` finds text that is not valid Unicode
(possible through the Python API or JSON, never from a decoded file), which no exporter could write.
"""

from __future__ import annotations

import re

MAX_BYTES = 5_000_000  # 5 MB per file or download
MAX_WORDS = 100_000  # words per text
MAX_TEXT_CHARS = 1_000_000  # characters per text (above 100,000 words for any normal text)
MAX_UNZIPPED_BYTES = 40_000_000  # a .docx's parts together, once decompressed
MAX_ZIP_RATIO = 200  # a .docx part larger than 1 MB may expand at most this much (text XML is ~5-20x)
MAX_ZIP_MEMBERS = 2_000  # parts in a .docx
MAX_PDF_PAGES = 2_000  # a 100,000-word article is a few hundred pages
PARSE_SECONDS = 8.0  # reading one file's text stops with an error after this long

_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """Index of the first lone surrogate code point in ``text`` (not valid Unicode), or None."""
    found = _SURROGATE.search(text)
    return found.start() if found else None


def surrogate_message(text: str) -> str | None:
    """A one-line error for text that holds a lone surrogate, or None when the text is valid Unicode."""
    index = lone_surrogate(text)
    if index is None:
        return None
    return (
        f"the text is not valid Unicode: a lone surrogate U+{ord(text[index]):04X} at character {index:,} "
        "(decode the source with errors='replace' or remove it)"
    )
