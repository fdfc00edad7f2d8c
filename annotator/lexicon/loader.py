"""Read and validate lexicon CSV files (format: annotator/lexicon/FORMAT.md).

Every problem is reported with the file, the row number and what is wrong, so a journalist editing their
own word list can fix it; nothing is silently dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from annotator.textnorm import phrase_keys

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LEXICON = DATA_DIR / "loaded_terms.csv"
NEUTRAL_PHRASES = DATA_DIR / "neutral_phrases.txt"
CATEGORIES_FILE = DATA_DIR / "categories.csv"

REQUIRED_COLUMNS = ("term", "category", "severity", "explanation")
OPTIONAL_COLUMNS = ("variants", "alternatives", "note", "match")
MATCH_MODES = ("stem", "exact")
SEVERITIES = {"low": 0.35, "medium": 0.6, "high": 0.85}
MAX_TERM_WORDS = 6
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

    @property
    def score(self) -> float:
        return SEVERITIES[self.severity]

    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.variants)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


def _read_rows(source: str | Path | bytes, name: str) -> list[dict[str, str]]:
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        if not path.is_file():
            raise LexiconError(f"{name}: lexicon file not found")
        raw = path.read_bytes()
    if len(raw) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{name}: lexicon file is larger than {MAX_LEXICON_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LexiconError(
            f"{name}: missing column(s) {', '.join(missing)}; expected header "
            f"{','.join(('term', 'variants', 'category', 'severity', 'explanation', 'alternatives', 'note'))}"
        )
    reader.fieldnames = header
    try:
        return list(reader)
    except csv.Error as exc:
        raise LexiconError(f"{name}: CSV error near line {reader.line_num}: {exc}") from None


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


def load_entries(
    source: str | Path | bytes,
    categories: dict[str, Category] | None = None,
    name: str | None = None,
    stem: bool = True,
) -> list[LexiconEntry]:
    """Parse and validate one lexicon file; raise LexiconError listing every bad row."""
    categories = categories if categories is not None else load_categories()
    name = name or (str(source) if not isinstance(source, bytes) else "<uploaded lexicon>")
    rows = _read_rows(source, name)
    errors: list[str] = []
    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(rows, start=2):  # row 1 is the header
        if None in row:
            errors.append(f"{name}, row {index}: more fields than columns (quote values containing commas)")
            continue
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        row_errors = [f"empty {c}" for c in REQUIRED_COLUMNS if not values.get(c)]
        category = values.get("category", "")
        if category and category not in categories:
            row_errors.append(f"unknown category {category!r} (known: {', '.join(sorted(categories))})")
        severity = values.get("severity", "").lower()
        if severity and severity not in SEVERITIES:
            row_errors.append(f"severity {values['severity']!r} is not one of low, medium, high")
        term = values.get("term", "")
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
        if row_errors:
            errors.append(f"{name}, row {index} ({term or '?'}): " + "; ".join(row_errors))
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
                source=f"{name}:{index}",
                match=mode if stem else "exact",
            )
        )
    if errors:
        shown = errors[:20]
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise LexiconError("invalid lexicon:\n" + "\n".join(shown) + more)
    if not entries:
        raise LexiconError(f"{name}: no entries")
    return entries
