"""Word tokens with offsets and the normalised keys used for matching.

The text is never changed: tokens keep their ``[start, end)`` offsets into the original string, and
matching runs on a normalised *key* per token (lowercase, accents and curly apostrophes folded,
possessive ``'s`` dropped, Snowball stem).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from nltk.stem.snowball import SnowballStemmer
    from nltk.tokenize import RegexpTokenizer

# A word is letters/digits with inner apostrophes (d'etat, Kiev's); hyphens and spaces separate words,
# so "coup-d'etat" and "coup d'etat" give the same tokens.
_WORD_PATTERN = r"[^\W_]+(?:['’ʼ][^\W_]+)*"
WORD_RE = re.compile(_WORD_PATTERN)


# nltk is imported on first use, not with this module: its package import takes seconds (it pulls in
# scipy and scikit-learn), and the command line's --help and the app's first page need no stemming.
@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=1)
def _word_tokenizer() -> RegexpTokenizer:
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(_WORD_PATTERN)


_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'"})


class Token(NamedTuple):
    """A word with its offsets (a tuple: tokens are made by the thousand on every call)."""

    start: int
    end: int
    key: str  # normalised, stemmed form used for matching
    folded: str  # normalised form without stemming (for exact-form lists such as hedges)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lowercase, fold accents and apostrophe variants: 'Coup d’État' -> "coup d'etat"."""
    word = word.translate(_APOSTROPHES).lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def exact_key(word: str) -> str:
    """Folded word with a possessive 's dropped: "Kiev’s" -> "kiev"."""
    folded = fold(word)
    if folded.endswith("'s") and len(folded) > 2:
        folded = folded[:-2]
    return folded


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The matching key of one word: folded, possessive dropped, stemmed."""
    return _stemmer().stem(exact_key(word))


_KEYS: dict[str, tuple[str, str]] = {}  # word -> (matching key, folded form), for tokenize
_KEYS_LIMIT = 200_000  # words remembered before the memo starts afresh


def _keys(word: str) -> tuple[str, str]:
    """(matching key, folded form) of a word not yet in ``_KEYS``; remembers it there."""
    if len(_KEYS) >= _KEYS_LIMIT:
        _KEYS.clear()
    keys = _KEYS[word] = (word_key(word), exact_key(word))
    return keys


def tokenize(text: str) -> list[Token]:
    """Word tokens of ``text`` with offsets and matching keys."""
    # The compiled pattern is the one nltk's RegexpTokenizer uses; finditer directly is several times faster,
    # tuple.__new__ skips the named tuple's Python-level constructor (tokens are made by the thousand), and a
    # plain dict look-up per word is cheaper than an lru_cache call.
    new, known = tuple.__new__, _KEYS.get
    return [new(Token, m.span() + (known(w := m.group()) or _keys(w))) for m in WORD_RE.finditer(text)]


def phrase_keys(phrase: str, stem: bool = True) -> tuple[str, ...]:
    """Matching keys of a lexicon phrase, e.g. "Coups d'état" -> ('coup', "d'etat")."""
    key = word_key if stem else exact_key
    return tuple(key(phrase[s:e]) for s, e in _word_tokenizer().span_tokenize(phrase))


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The folded words of a phrase (possessive dropped), in the order ``phrase_keys`` gives their keys."""
    return tuple(exact_key(phrase[s:e]) for s, e in _word_tokenizer().span_tokenize(phrase))


# Inflectional endings and what they replace: "rallies" -> "rally", "outraged" -> "outrage"/"outrag",
# "hysterically" -> "hysterical"/"hysteric", "terribly" -> "terrible". Derivational endings (-er, -ous,
# -ness, -ism ...) are deliberately absent: "rioter" is not "riot" and "outrageous" is not "outraged".
_INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("ily", "y"), ("es", ""), ("s", ""), ("s'", ""),
    ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"), ("ly", ""), ("ally", ""), ("ly", "le"),
    ("ves", "f"), ("ves", "fe"),
)


@lru_cache(maxsize=200_000)
def lemma_forms(word: str) -> frozenset[str]:
    """The word and every base it could be an inflection of (two words are forms of one lemma when their
    sets meet). Doubled final consonants before -ed/-ing are undone ("slammed" -> "slam")."""
    out = {word}
    for ending, base in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: len(word) - len(ending)] + base
            out.add(stem)
            if ending in ("ed", "ing") and not base and len(stem) >= 3 and stem[-1] == stem[-2]:
                out.add(stem[:-1])
    return frozenset(out)
