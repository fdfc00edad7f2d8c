"""One way to write CSV for every file the project produces (annotation export, feedback export, word lists).

Two rules, both about what happens when a person opens the file:
- a cell holding a line break (``\\n`` or a bare ``\\r``) is quoted, so no reader splits the row (rows end in
  ``\\r\\n``, RFC 4180, which makes Python's csv module quote both characters);
- a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a CR is prefixed with ``'`` so a spreadsheet
  shows it as text instead of running it as a formula (CSV injection). ``restore_cell`` undoes the prefix for
  files the project reads back (word lists), so a round trip keeps the text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a leading ``'``.

    Numbers are written as numbers (a negative score is data, not a formula); None becomes an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore_cell(text: str) -> str:
    """The original text of a cell written by ``safe_cell`` (only a ``'`` before a formula start is removed)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def write_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str], bom: bool = False) -> bytes:
    """``rows`` as UTF-8 CSV bytes with a header, every cell through ``safe_cell``; missing keys are empty.

    ``bom`` adds a UTF-8 byte order mark so Excel reads the file as UTF-8.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
