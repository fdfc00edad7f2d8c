"""The loaded-terms lexicon: versioned data files, validated on load, and a token matcher."""

from annotator.lexicon.loader import (
    Category,
    LexiconEntry,
    LexiconError,
    load_categories,
    load_entries,
)
from annotator.lexicon.matcher import Lexicon, LexiconMatch, default_lexicon

__all__ = [
    "Category",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "LexiconMatch",
    "default_lexicon",
    "load_categories",
    "load_entries",
]
