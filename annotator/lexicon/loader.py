"""Read and validate lexicon CSV files (format: annotator/lexicon/FORMAT.md).

Every problem is reported with the file, the row number and what is wrong, so a journalist editing their
own word list can fix it; nothing is silently dropped. ``validate_rows`` is the one validator: files loaded
by the engine and the CLI must be entirely valid (``load_entries`` raises), while the app's word-list editor
applies the valid rows and lists the bad ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from annotator.csvsafe import restore_cell, write_csv
from annotator.textnorm import phrase_keys

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LEXICON = DATA_DIR / "loaded_terms.csv"
NEUTRAL_PHRASES = DATA_DIR / "neutral_phrases.txt"
CATEGORIES_FILE = DATA_DIR / "categories.csv"

REQUIRED_COLUMNS = ("term", "category", "severity", "explanation")
OPTIONAL_COLUMNS = ("variants", "alternatives", "note", "match", "enabled", "literal_context")
FILE_COLUMNS = (
    "term",
    "variants",
    "category",
    "severity",
    "explanation",
    "alternatives",
    "note",
    "match",
    "literal_context",
)
ENABLED_TRUE = ("", "true", "yes", "1", "on", "y")
ENABLED_FALSE = ("false", "no", "0", "off", "n")
MATCH_MODES = ("stem", "exact")
SEVERITIES = {"low": 0.35, "medium": 0.6, "high": 0.85}
MAX_TERM_WORDS = 6
LITERAL_WINDOW = 8  # words either side of a match searched for its literal_context words
MAX_LEXICON_BYTES = 5_000_000


class LexiconError(ValueError):
    """A lexicon file is missing, unreadable or has invalid rows."""


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    colour: str


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    variants: tuple[str, ...]
    category: str
    severity: str
    explanation: str
    alternatives: tuple[str, ...]
    note: str
    source: str  # "file:row" it came from
    match: str = "stem"  # "stem": inflections match; "exact": only the listed forms (case/accents folded)
    # words that mark a literal use: a match with one of them nearby (LITERAL_WINDOW words) is not reported
    literal_context: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return SEVERITIES[self.severity]

    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.variants)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


LINES_KEY = "__lines__"  # (first, last) file line of a row, kept when a row spans several lines


def _read_rows(source: str | Path | bytes, name: str) -> list[dict[str, str]]:
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        if not path.is_file():
            raise LexiconError(f"{name}: lexicon file not found")
        if path.stat().st_size > MAX_LEXICON_BYTES:
            raise LexiconError(f"{name}: lexicon file is larger than {MAX_LEXICON_BYTES:,} bytes")
        raw = path.read_bytes()
    if len(raw) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{name}: lexicon file is larger than {MAX_LEXICON_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise LexiconError(f"{name}: CSV error in the header: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LexiconError(
            f"{name}: missing column(s) {', '.join(missing)}; expected header "
            f"{','.join(('term', 'variants', 'category', 'severity', 'explanation', 'alternatives', 'note'))}"
        )
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise LexiconError(f"{name}: column(s) {', '.join(twice)} appear more than once in the header (row 1)")
    reader.fieldnames = header
    rows = []
    last_line = reader.line_num
    try:
        for row in reader:
            if reader.line_num - last_line > 1:
                row[LINES_KEY] = (last_line + 1, reader.line_num)  # type: ignore[assignment]
            last_line = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        raise LexiconError(f"{name}: CSV error near line {reader.line_num}: {exc}") from None
    return rows


def row_shape_problems(row: Mapping[str, object]) -> list[str]:
    """What makes a row unreadable as a table row, whatever its content: extra fields, a value spanning lines
    (usually an unclosed quote that swallowed the rows after it), a NUL character, an ``enabled`` value that
    is neither true nor false. Part of ``validate_rows``; the app's upload uses it to keep such rows out of
    the editable table (they cannot be shown there as they are)."""
    if row.get(None) is not None:  # type: ignore[call-overload]  # csv.DictReader's restkey
        return ["more fields than columns (quote values containing commas)"]  # the other columns are shifted
    problems = []
    lines = row.get(LINES_KEY)
    for key, value in row.items():
        if not key or key == LINES_KEY or not isinstance(value, str):
            continue
        if "\x00" in value:
            problems.append(f"a NUL character in {key} (binary data?)")
        if "\n" in value or "\r" in value:
            where = f" from line {lines[0]} to line {lines[1]}" if isinstance(lines, tuple) else ""
            problems.append(f"{key} runs over several lines{where} (an unclosed quote?)")
    enabled = row.get("enabled")
    if parse_enabled(enabled if isinstance(enabled, str | bool) or enabled is None else str(enabled)) is None:
        problems.append(f"enabled {_cell(enabled)!r} is not one of true, false")
    return problems


def load_phrases(path: str | Path) -> list[str]:
    """A plain list of phrases, one per line (``#`` comments)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def load_categories(path: str | Path = CATEGORIES_FILE) -> dict[str, Category]:
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as fh:
        categories = {
            row["id"]: Category(row["id"], row["label"], row["description"], row["colour"])
            for row in csv.DictReader(fh)
        }
    if not categories:
        raise LexiconError(f"{path}: no categories")
    return categories


def read_rows(source: str | Path | bytes, name: str | None = None) -> list[dict[str, str]]:
    """The raw rows of a lexicon CSV (file path or bytes) as dicts; raise LexiconError for file-level problems
    (missing, too large, not UTF-8, missing required columns, broken CSV quoting)."""
    name = name or (str(source) if not isinstance(source, bytes) else "<uploaded lexicon>")
    return _read_rows(source, name)


@dataclass(frozen=True)
class RowError:
    """Everything wrong with one row of a lexicon table; ``row`` is the number a person sees (header = 1)."""

    row: int
    term: str | None  # None when the row could not be split into columns
    problems: tuple[str, ...]
    name: str = ""

    def __str__(self) -> str:
        where = f"{self.name}, row {self.row}" if self.name else f"row {self.row}"
        label = f" ({self.term or '?'})" if self.term is not None else ""
        return f"{where}{label}: " + "; ".join(self.problems)


def parse_enabled(value: str | bool | None) -> bool | None:
    """The ``enabled`` column: empty/true/yes/1/on -> True, false/no/0/off -> False, anything else None."""
    if isinstance(value, bool):
        return value
    text = (value or "").strip().lower()
    if text in ENABLED_TRUE:
        return True
    if text in ENABLED_FALSE:
        return False
    return None


def _shape_error(row: Mapping[str, object], index: int, name: str) -> RowError | None:
    problems = row_shape_problems(row)
    if not problems:
        return None
    return RowError(index, _cell(row.get("term")).split("\n")[0], tuple(problems), name)


def read_upload(source: bytes, name: str) -> tuple[list[dict[str, str]], list[RowError]]:
    """An uploaded word list for the app's editable table: ``(rows, unreadable)``.

    The same checks as the command line (``validate_rows``), split in two: rows the table cannot show as
    they are (``row_shape_problems``) are returned as errors with their row number and left out; the other
    rows go to the table, where content problems (unknown category ...) are listed and can be fixed.
    File-level problems (missing columns, a duplicated header, not UTF-8) raise LexiconError as for files.
    """
    rows, unreadable = [], []
    for index, row in enumerate(_read_rows(source, name), start=2):
        error = _shape_error(row, index, name)
        if error:
            unreadable.append(error)
        else:
            rows.append(row)
    return rows, unreadable


def validate_rows(
    rows: Iterable[Mapping[str, object]],
    categories: dict[str, Category] | None = None,
    name: str = "",
    stem: bool = True,
    first_row: int = 2,
) -> tuple[list[LexiconEntry], list[RowError]]:
    """Check every row and keep the good ones: ``(entries, errors)``, one error per bad row.

    The one validator of the project: ``load_entries`` (files, CLI) raises if any row is bad, the app's word
    list editor shows the errors next to the table and applies the valid rows. Rows with ``enabled`` false and
    blank rows are skipped. ``first_row`` is the number of the first data row (2 in a file with a header).
    """
    categories = categories if categories is not None else load_categories()
    errors: list[RowError] = []
    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, ...], int] = {}
    source_name = name or "lexicon"
    for index, row in enumerate(rows, start=first_row):
        shape_error = _shape_error(row, index, name)
        if shape_error:
            errors.append(shape_error)
            continue
        values = {str(k): restore_cell(_cell(v)) for k, v in row.items() if k and k != LINES_KEY}
        if not any(v for k, v in values.items() if k not in ("enabled", "source")):
            continue
        term = values.get("term", "")
        row_errors: list[str] = []
        if parse_enabled(values.get("enabled")) is False:
            continue
        row_errors += [f"empty {c}" for c in REQUIRED_COLUMNS if not values.get(c)]
        category = values.get("category", "")
        if category and category not in categories:
            row_errors.append(f"unknown category {category!r} (known: {', '.join(sorted(categories))})")
        severity = values.get("severity", "").lower()
        if severity and severity not in SEVERITIES:
            row_errors.append(f"severity {values['severity']!r} is not one of low, medium, high")
        variants = _split(values.get("variants"))
        mode = values.get("match", "").lower() or "stem"
        if mode not in MATCH_MODES:
            row_errors.append(f"match {values['match']!r} is not one of stem, exact")
            mode = "stem"
        for form in (term, *variants):
            if not form:
                continue
            keys = phrase_keys(form, stem and mode == "stem")
            if not keys:
                row_errors.append(f"term or variant {form!r} has no words")
                continue
            if len(keys) > MAX_TERM_WORDS:
                row_errors.append(f"{form!r} has more than {MAX_TERM_WORDS} words")
            if keys in seen and seen[keys] != index:
                row_errors.append(f"{form!r} duplicates a term or variant of row {seen[keys]}")
            seen.setdefault(keys, index)
        literal = _split(values.get("literal_context"))
        row_errors += [f"literal_context {w!r} is not one word" for w in literal if len(phrase_keys(w)) != 1]
        if row_errors:
            errors.append(RowError(index, term, tuple(row_errors), name))
            continue
        entries.append(
            LexiconEntry(
                term=term,
                variants=variants,
                category=category,
                severity=severity,
                explanation=values["explanation"],
                alternatives=_split(values.get("alternatives")),
                note=values.get("note", ""),
                source=f"{source_name}:{index}",
                match=mode if stem else "exact",
                literal_context=literal,
            )
        )
    return entries, errors


def _cell(value: object) -> str:
    """A table cell as stripped text (pandas gives None/NaN for empty cells, bools for checkboxes)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def load_entries(
    source: str | Path | bytes,
    categories: dict[str, Category] | None = None,
    name: str | None = None,
    stem: bool = True,
) -> list[LexiconEntry]:
    """Parse and validate one lexicon file; raise LexiconError listing every bad row."""
    name = name or (str(source) if not isinstance(source, bytes) else "<uploaded lexicon>")
    rows = _read_rows(source, name)
    entries, errors = validate_rows(rows, categories, name=name, stem=stem)
    if errors:
        shown = [str(e) for e in errors[:20]]
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise LexiconError("invalid lexicon:\n" + "\n".join(shown) + more)
    if not entries:
        raise LexiconError(f"{name}: no entries")
    return entries


def entry_row(entry: LexiconEntry) -> dict[str, str]:
    """One entry as a CSV row in the file format (``|``-joined lists)."""
    return {
        "term": entry.term,
        "variants": "|".join(entry.variants),
        "category": entry.category,
        "severity": entry.severity,
        "explanation": entry.explanation,
        "alternatives": "|".join(entry.alternatives),
        "note": entry.note,
        "match": "" if entry.match == "stem" else entry.match,
        "literal_context": "|".join(entry.literal_context),
    }


def write_rows(rows: Iterable[Mapping[str, object]]) -> bytes:
    """Rows as a lexicon CSV file (UTF-8, header in ``FILE_COLUMNS`` order, ``enabled`` kept when present)."""
    rows = list(rows)
    columns = list(FILE_COLUMNS)
    if any("enabled" in row for row in rows):
        columns = ["enabled", *columns]
    return write_csv(({c: _cell(row.get(c)) for c in columns} for row in rows), columns)
