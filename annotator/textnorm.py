"""Word tokens with offsets and the normalised keys used for matching.

The text is never changed: tokens keep their ``[start, end)`` offsets into the original string, and
matching runs on a normalised *key* per token (lowercase, accents and curly apostrophes folded,
possessive ``'s`` dropped, Snowball stem).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

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


class Memo(dict):
    """A dict that fills a missing key with ``fill(key)`` and starts afresh when it holds ``limit`` keys.

    Reading many words through ``map(memo.__getitem__, words)`` stays in C for every word seen before: much
    cheaper than an lru_cache call, or a look-up in a large table, per word."""

    def __init__(self, fill: Callable[[str], Any], limit: int = 200_000) -> None:
        super().__init__()
        self.fill = fill
        self.limit = limit

    def __missing__(self, key: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.fill(key)
        return value


class Vocabulary:
    """Every distinct word ``tokenize`` has met, numbered in the order met, with its key and folded form.

    Tokens carry their word's number (``Tokens.ids``), so what depends on the word alone (a model's score
    parts, a lexicon's index entries) can be kept in arrays by number (``WordTable``) and read for a whole
    document with one array index, instead of one dict look-up per token. Starts afresh (a new
    ``generation``, numbers from 0) before a text would take it past ``limit`` words. Thread-safe: numbers
    are given, and the lists read, under one lock (the app and the server annotate in several threads).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.generation = 0
        self.words: list[str] = []  # by number: the word as written
        self.keys: list[str] = []
        self.folded: list[str] = []
        self._numbers = Memo(self._add, limit=2**62)  # word -> number (cleared by reset only)
        self._lock = threading.Lock()

    def _add(self, word: str) -> int:
        self.words.append(word)
        self.keys.append(word_key(word))
        self.folded.append(exact_key(word))
        return len(self.keys) - 1

    def numbers(self, words: list[str]) -> tuple[list[int], list[str], list[str], int]:
        """The number of each word (new words are numbered as they come), with the lists of keys and folded
        forms by number and the generation they belong to."""
        with self._lock:
            if len(self._numbers) + len(words) > self.limit and self._numbers:
                self._reset()
            return list(map(self._numbers.__getitem__, words)), self.keys, self.folded, self.generation

    def snapshot(self) -> tuple[int, list[str], list[str], list[str]]:
        """(generation, words, keys, folded): the lists grow only by appending within a generation, so their
        first ``len`` entries at this moment stay as they are."""
        with self._lock:
            return self.generation, self.words, self.keys, self.folded

    def reset(self) -> None:
        """Forget every word: numbers start again from 0 in a new generation."""
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        self._numbers.clear()
        self.words, self.keys, self.folded = [], [], []  # new lists: a reader of the old ones keeps them whole
        self.generation += 1

    def __len__(self) -> int:
        return len(self.keys)


class WordNumbers(NamedTuple):
    """Tokens' word numbers in ``VOCABULARY`` (an integer array) and the generation they were given in."""

    ids: Any
    generation: int


VOCABULARY = Vocabulary()
_SPLIT_RE = re.compile(f"({_WORD_PATTERN})")  # split() keeps the words: gap, word, gap, ..., word, gap


class Tokens(list):
    """``tokenize``'s list of Tokens, with the same fields as columns (lists in token order), made while
    tokenizing: detectors read whole columns (``Context``) without a pass over the tokens for each, and
    each word's number in ``VOCABULARY`` (valid while its ``generation`` is the vocabulary's).
    Treat it as read-only: a changed list no longer matches its columns."""

    __slots__ = ("ends", "folded", "generation", "ids", "keys", "starts")

    starts: list[int]
    ends: list[int]
    keys: list[str]
    folded: list[str]
    ids: list[int]
    generation: int


def tokenize(text: str) -> Tokens:
    """Word tokens of ``text`` with offsets and matching keys."""
    # The pattern is the one nltk's RegexpTokenizer uses. One split gives the words and the gaps between them
    # (their lengths give every offset), the keys come by the words' numbers, and tuple.__new__ makes each
    # Token without the named tuple's Python-level constructor: every per-token step runs in C.
    parts = _SPLIT_RE.split(text)
    bounds = list(accumulate(map(len, parts)))  # bounds[j]: where parts[j] ends
    starts, ends = bounds[0:-1:2], bounds[1::2]
    ids, keys_by_number, folded_by_number, generation = VOCABULARY.numbers(parts[1::2])
    keys, folded = list(map(keys_by_number.__getitem__, ids)), list(map(folded_by_number.__getitem__, ids))
    tokens = Tokens(map(tuple.__new__, repeat(Token), zip(starts, ends, keys, folded, strict=True)))
    tokens.starts, tokens.ends, tokens.keys, tokens.folded = starts, ends, keys, folded
    tokens.ids, tokens.generation = ids, generation
    return tokens


class WordTable:
    """Per-word values kept by ``VOCABULARY`` number: ``take(ids)`` gives the rows of a document's words.

    ``fill(words, keys, folded)`` computes the rows (a 1-D or 2-D array, ``dtype``) of words given as
    written, by their keys and by their folded forms; it is called for the words numbered since the last
    call, and for all of them again after the vocabulary starts afresh. Rows of words met together sit
    together, so a document's rows are few cache lines, not one in each of several large tables per word.
    """

    def __init__(
        self, fill: Callable[[list[str], list[str], list[str]], Any], dtype: Any, width: int | None = None
    ) -> None:
        import numpy as np

        self._np = np
        self.fill = fill
        self._shape = () if width is None else (width,)
        self._rows = np.zeros((0, *self._shape), dtype=dtype)
        self._size = 0
        self._generation = -1
        self._lock = threading.Lock()

    def take(self, numbers: WordNumbers) -> Any:
        """The rows of the words numbered ``numbers.ids``; None when the vocabulary has started afresh since
        they were given (then read the words some other way)."""
        with self._lock:
            generation, words, keys, folded = VOCABULARY.snapshot()
            if numbers.generation != generation:
                return None
            if self._generation != generation:
                self._size, self._generation = 0, generation
            end = len(keys)  # not fewer than when ``numbers`` were given: the lists only grow
            if self._size < end:
                have = self._size
                new = self.fill(words[have:end], keys[have:end], folded[have:end])
                if end > len(self._rows):  # grow by doubling: amortised constant cost per word
                    size = max(end, 2 * len(self._rows), 1024)
                    grown = self._np.zeros((size, *self._shape), dtype=self._rows.dtype)
                    grown[:have] = self._rows[:have]
                    self._rows = grown
                self._rows[have:end] = new
                self._size = end
            return self._rows[numbers.ids]


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
    ("ies", "y"),
    ("ied", "y"),
    ("ier", "y"),
    ("iest", "y"),
    ("ily", "y"),
    ("es", ""),
    ("s", ""),
    ("s'", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("ally", ""),
    ("ly", "le"),
    ("ves", "f"),
    ("ves", "fe"),
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
