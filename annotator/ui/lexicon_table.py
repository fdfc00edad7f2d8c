"""The word list as an editable table: bundled entries, uploads merged in, validation, download, a Lexicon.

Pure pandas (no Streamlit): the app's Word list page edits this table with ``st.data_editor`` and every page
annotates with ``build_lexicon(table)``. Rows are checked by the one validator, ``validate_rows``; bad rows
are reported and skipped, never fatal, so one typo does not switch off a journalist's whole list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from annotator.lexicon import Lexicon, RowError, validate_rows, write_rows
from annotator.lexicon.loader import (
    CATEGORIES_FILE,
    DEFAULT_LEXICON,
    NEUTRAL_PHRASES,
    Category,
    load_categories,
    load_phrases,
    parse_enabled,
    read_rows,
)
from annotator.textnorm import phrase_keys

TEXT_COLUMNS = ("term", "variants", "category", "severity", "match", "explanation", "alternatives", "note")
TABLE_COLUMNS = ("enabled", *TEXT_COLUMNS, "source")
BUNDLED = "bundled"
ADDED = "added here"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value).strip()


def rows_to_table(rows: Iterable[Mapping[str, object]], source: str) -> pd.DataFrame:
    """File rows (dicts with the CSV columns) as a table; ``enabled`` defaults to true, unreadable values too
    (validation still reports them, see ``table_rows``)."""
    records = []
    for row in rows:
        record: dict[str, Any] = {c: _text(row.get(c)) for c in TEXT_COLUMNS}
        record["match"] = record["match"].lower() or "stem"
        enabled = parse_enabled(_text(row.get("enabled")))
        record["enabled"] = enabled is not False
        record["source"] = source
        records.append(record)
    frame = pd.DataFrame(records, columns=list(TABLE_COLUMNS))
    frame["enabled"] = frame["enabled"].astype(bool)
    return frame


@lru_cache(maxsize=1)
def _bundled_rows() -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(tuple(row.items()) for row in read_rows(DEFAULT_LEXICON))


def bundled_table() -> pd.DataFrame:
    """The bundled word list (``annotator/lexicon/data/loaded_terms.csv``) as a table, every row enabled."""
    return rows_to_table([dict(row) for row in _bundled_rows()], BUNDLED)


def table_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """Plain string rows for the validator (blank cells from the editor become empty strings)."""
    out = []
    for record in table.to_dict("records"):
        row = {c: _text(record.get(c)) for c in TEXT_COLUMNS}
        enabled = record.get("enabled")
        row["enabled"] = "false" if enabled is False or _text(enabled).lower() in ("false", "0") else "true"
        out.append(row)
    return out


def _row_keys(row: Mapping[str, object]) -> set[tuple[str, ...]]:
    stem = _text(row.get("match")).lower() != "exact"
    forms = [_text(row.get("term")), *(v.strip() for v in _text(row.get("variants")).split("|"))]
    return {keys for form in forms if form and (keys := phrase_keys(form, stem))}


def merge_upload(current: pd.DataFrame, uploaded: pd.DataFrame, replace: bool = False) -> pd.DataFrame:
    """The table after an upload: with ``replace`` only the uploaded rows, else the uploaded rows (first)
    plus the current ones, where an uploaded row replaces any current row with the same term or variant
    (like ``--lexicon`` on the command line, the user's entries win)."""
    if replace:
        return uploaded.reset_index(drop=True)
    taken: set[tuple[str, ...]] = set()
    for record in uploaded.to_dict("records"):
        taken |= _row_keys(record)
    keep = [not (_row_keys(record) & taken) for record in current.to_dict("records")]
    merged = pd.concat([uploaded, current[keep]], ignore_index=True)  # the new rows first, where people look
    merged["enabled"] = merged["enabled"].fillna(True).astype(bool)
    return merged


def table_digest(table: pd.DataFrame) -> str:
    """A short fingerprint of the table's content (part of cache keys and the lexicon version)."""
    return hashlib.sha256(write_rows(table_rows(table))).hexdigest()[:12]


def table_csv(table: pd.DataFrame) -> bytes:
    """The table as a lexicon CSV file (with an ``enabled`` column, so disabled rows survive a round trip)."""
    return write_rows(table_rows(table))


def validate_table(
    table: pd.DataFrame, categories: dict[str, Category] | None = None
) -> tuple[list[Any], list[RowError]]:
    """(entries, errors) for the enabled rows; errors number rows from 1 as the table shows them."""
    return validate_rows(table_rows(table), categories, name="", first_row=1)


def build_lexicon(table: pd.DataFrame) -> tuple[Lexicon, list[RowError]]:
    """A Lexicon of the table's valid, enabled rows (plus the bundled neutral phrases), and the bad rows."""
    categories = load_categories(CATEGORIES_FILE)
    entries, errors = validate_table(table, categories)
    neutral = load_phrases(NEUTRAL_PHRASES) if NEUTRAL_PHRASES.is_file() else []
    version = f"{len(entries)}-session-{table_digest(table)}"
    return Lexicon(entries, categories, version=version, neutral_phrases=neutral), errors


def error_rows(errors: list[RowError]) -> list[dict[str, object]]:
    """Validation errors as table rows for display: row number, term and what is wrong."""
    return [{"Row": e.row, "Term": e.term or "?", "Problem": "; ".join(e.problems)} for e in errors]
