"""The loaded-terms lexicon: versioned data files, validated on load, and a token matcher."""

from annotator.lexicon.loader import (
    Category,
    LexiconEntry,
    LexiconError,
    RowError,
    load_categories,
    load_entries,
    read_rows,
    validate_rows,
    write_rows,
)
from annotator.lexicon.matcher import Lexicon, LexiconMatch, default_lexicon

__all__ = [
    "Category",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "LexiconMatch",
    "RowError",
    "default_lexicon",
    "load_categories",
    "load_entries",
    "read_rows",
    "validate_rows",
    "write_rows",
]
