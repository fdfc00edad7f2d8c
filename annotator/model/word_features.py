"""Per-token features of the loaded-word detector, shared by training and scoring.

A token's features are (1) what the word is: its stem (one column per stem seen in training), its static
word vector, and membership in word lists (Recasens et al.'s bias lists, Riloff's subjective words, VADER
valence, the project's lexicon); (2) its neighbours: the vectors and stems of the word before and after;
(3) the sentence's tone: the mean vector of the sentence's content words; (4) how it stands: capitalised
inside a sentence (a name), all capitals, inside quotation marks, first in the sentence.

Every block but (4) is a function of one word at one position, so a linear model over these features
collapses into one score table per position (see ``annotator.model.words``): the score of a token is the
sum of what its own word, its neighbours, the sentence's words and its standing contribute, each part a
number a journalist can be shown.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, count
from operator import itemgetter

import numpy as np

from annotator.textnorm import Token, WordNumbers, WordTable, tokenize
from annotator.voice import find_quotes

# Word-list flags, in column order. Each is a set of folded words (lists are read at training time only;
# the trained tables carry their effect, so nothing outside the repository is needed to score).
LIST_FLAGS = (
    "npov",
    "strong_subjective",
    "weak_subjective",
    "hedge",
    "report_verb",
    "factive",
    "assertive",
    "implicative",
    "project_lexicon",
    "function_word",
)
VALENCE_FLAGS = ("valence_abs", "valence_neg", "valence_pos")
WORD_FLAGS = (*LIST_FLAGS, *VALENCE_FLAGS, "digit", "no_vector")
STANDING = ("capitalised_inside", "all_caps", "in_quotes", "first_word")
OFFSETS = (-1, 1)  # neighbour positions with their own vector and stem blocks


@dataclass
class WordResources:
    """Everything the features read: vectors, word lists and valence (loaded once)."""

    vector_index: Mapping[str, int]
    vectors: np.ndarray  # float32 (n_words, dim)
    lists: Mapping[str, frozenset[str]]
    valence: Mapping[str, float]

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def vector(self, folded: str) -> np.ndarray | None:
        i = self.vector_index.get(folded)
        return None if i is None else self.vectors[i]

    def flags(self, folded: str) -> np.ndarray:
        """The word-list, valence and form flags of one folded word (WORD_FLAGS order)."""
        out = np.zeros(len(WORD_FLAGS), dtype=np.float32)
        for i, name in enumerate(LIST_FLAGS):
            if folded in self.lists.get(name, ()):
                out[i] = 1.0
        v = self.valence.get(folded, 0.0) / 4.0
        k = len(LIST_FLAGS)
        out[k] = abs(v)
        out[k + 1] = max(-v, 0.0)
        out[k + 2] = max(v, 0.0)
        out[k + 3] = float(folded[:1].isdigit())
        out[k + 4] = float(folded not in self.vector_index)
        return out


def standing_features(text: str, tokens: Sequence[Token], quotes: Sequence[tuple[int, int]]) -> np.ndarray:
    """The standing features (STANDING order) of one sentence's tokens; ``quotes`` are the sorted inner
    ranges of quotations in the same coordinates as the tokens."""
    return standing_rows(text, [tokens], quotes)


def standing_rows(text: str, sentences: Sequence[Sequence[Token]], quotes: Sequence[tuple[int, int]]) -> np.ndarray:
    """``standing_features`` of many sentences' tokens, stacked in order (one row per token)."""
    tokens = list(chain.from_iterable(sentences))
    return standing_flat(text, tokens, [len(ts) for ts in sentences], list(map(_START, tokens)), quotes)


def standing_flat(
    text: str,
    tokens: Sequence[Token],
    lengths: Sequence[int],
    starts: Sequence[int],
    quotes: Sequence[tuple[int, int]],
    numbers: WordNumbers | None = None,
) -> np.ndarray:
    """``standing_rows`` for sentences given as one list of their tokens, each one's token count and the
    tokens' start offsets: the tokens each feature holds for are listed first, then set in a few array
    assignments (no array call per token, and few for a single sentence). ``numbers``: the tokens' word
    numbers in ``VOCABULARY`` if they carry them (then their shapes are read by number).

    A token is capitalised inside its sentence when its first character is upper case and it is not the
    sentence's first word; all capitals when it is longer than one character and upper case throughout
    (its first character included); in quotes when it starts inside the inner range of a quotation.
    """
    n = len(tokens)
    offsets = accumulate(lengths, initial=0)
    firsts = [k for k, length in zip(offsets, lengths, strict=False) if length]
    shapes = _SHAPES.take(numbers) if numbers is not None and n >= _ARRAY_FROM else None
    if shapes is not None:
        standing = np.zeros((n, len(STANDING)), dtype=np.float32)
        capitalised = (shapes & _UPPER_FIRST) > 0
        capitalised[firsts] = False
        standing[:, 0] = capitalised
        standing[:, 1] = (shapes & _ALL_CAPS) > 0
        if len(quotes):
            standing[_in_quotes(starts, quotes), 2] = 1.0
        standing[firsts, 3] = 1.0
        return standing
    upper = list(compress(count(), map(str.isupper, map(text.__getitem__, starts))))
    first_words = set(firsts)
    capitalised = [k for k in upper if k not in first_words]
    caps = [k for k in upper if tokens[k].end - tokens[k].start > 1 and text[tokens[k].start : tokens[k].end].isupper()]
    quoted = _in_quotes(starts, quotes) if len(quotes) else []
    columns = (capitalised, caps, quoted, firsts)  # STANDING order
    standing = np.zeros((n, len(STANDING)), dtype=np.float32)
    for column, rows in enumerate(columns):
        if n < _ARRAY_FROM:  # a sentence or two: the few ones one by one cost less than an index array
            for k in rows:
                standing[k, column] = 1.0
        else:
            standing[rows, column] = 1.0
    return standing


_ARRAY_FROM = 200  # tokens: from this many on, array operations beat Python lists
_UPPER_FIRST, _ALL_CAPS = 1, 2  # a word's shape bits: first character upper case; all capitals (and the first)


def _shape(word: str) -> int:
    """The shape bits of a word as written."""
    if not word[:1].isupper():
        return 0
    return _UPPER_FIRST | (_ALL_CAPS if len(word) > 1 and word.isupper() else 0)


def _shapes(words: list[str], keys: list[str], folded: list[str]) -> list[int]:
    """The shape bits of words as written (for ``_SHAPES``)."""
    return list(map(_shape, words))


_SHAPES = WordTable(_shapes, np.uint8)  # by word number
_START = itemgetter(0)  # a Token's start


def _in_quotes(starts: Sequence[int], quotes: Sequence[tuple[int, int]]) -> list[int] | np.ndarray:
    """Indexes of the tokens (by start offset) inside a quotation: some quotation (sorted by start) that
    starts at or before the token ends after its start."""
    q_starts = [q[0] for q in quotes]
    reach = list(accumulate((q[1] for q in quotes), max))
    if len(starts) < _ARRAY_FROM:  # one sentence: a few tokens, and numpy calls cost more than they save
        return [k for k, s in enumerate(starts) if (j := bisect_right(q_starts, s)) and reach[j - 1] > s]
    at = np.asarray(starts, dtype=np.int64)
    j = np.searchsorted(np.asarray(q_starts, dtype=np.int64), at, side="right")
    return np.flatnonzero((j > 0) & (np.asarray(reach, dtype=np.int64)[np.maximum(j - 1, 0)] > at))


def sentence_tokens(sentence: str) -> tuple[list[Token], np.ndarray]:
    """The word tokens of one sentence and their standing features (STANDING order)."""
    tokens = tokenize(sentence)
    quotes = sorted((q.inner.start, q.inner.end) for q in find_quotes(sentence))
    return tokens, standing_features(sentence, tokens, quotes)


@dataclass
class TokenBlocks:
    """The features of many sentences' tokens, as blocks (rows = tokens, in sentence order)."""

    folded: list[str]
    stems: list[str]
    neighbours: dict[int, list[str | None]]  # offset -> folded neighbour (None past the sentence edge)
    sentence_of: np.ndarray  # row -> sentence index
    standing: np.ndarray  # (n, len(STANDING))


def token_blocks(sentences: Sequence[str]) -> tuple[TokenBlocks, list[list[Token]]]:
    folded: list[str] = []
    stems: list[str] = []
    neighbours: dict[int, list[str | None]] = {o: [] for o in OFFSETS}
    sentence_of: list[int] = []
    standing: list[np.ndarray] = []
    all_tokens: list[list[Token]] = []
    for si, sentence in enumerate(sentences):
        tokens, stand = sentence_tokens(sentence)
        all_tokens.append(tokens)
        words = [t.folded for t in tokens]
        for i, t in enumerate(tokens):
            folded.append(t.folded)
            stems.append(t.key)
            for o in OFFSETS:
                j = i + o
                neighbours[o].append(words[j] if 0 <= j < len(words) else None)
            sentence_of.append(si)
        standing.append(stand)
    stand_all = np.vstack(standing) if standing else np.zeros((0, len(STANDING)), dtype=np.float32)
    return TokenBlocks(folded, stems, neighbours, np.asarray(sentence_of, dtype=np.int64), stand_all), all_tokens


def bigram_key(first: str, second: str) -> str:
    """The key of two adjacent folded words in the bigram vocabulary."""
    return f"{first} {second}"


def bigram_keys(blocks: TokenBlocks, offset: int) -> list[str | None]:
    """Each token's pair with its neighbour at ``offset`` (-1: the word before, +1: the word after) as a
    bigram key in reading order; None at the sentence's edge. A pair is a feature of both its words: "stoop
    so" of "stoop", "so low" of "low" (what the neighbour's vector alone cannot say)."""
    out: list[str | None] = []
    for w, n in zip(blocks.folded, blocks.neighbours[offset], strict=True):
        out.append(None if n is None else bigram_key(n, w) if offset < 0 else bigram_key(w, n))
    return out


def sentence_means(resources: WordResources, sentences_words: Sequence[Sequence[str]]) -> np.ndarray:
    """Mean vector of each sentence's content words (function words and words without a vector skipped)."""
    out = np.zeros((len(sentences_words), resources.dim), dtype=np.float32)
    function = resources.lists.get("function_word", frozenset())
    for i, words in enumerate(sentences_words):
        rows = [resources.vector_index[w] for w in words if w not in function and w in resources.vector_index]
        if rows:
            out[i] = resources.vectors[rows].mean(axis=0)
    return out


def _vector_block(resources: WordResources, words: Sequence[str | None]) -> np.ndarray:
    out = np.zeros((len(words), resources.dim), dtype=np.float32)
    for i, w in enumerate(words):
        if w is not None:
            j = resources.vector_index.get(w)
            if j is not None:
                out[i] = resources.vectors[j]
    return out


def _id_block(vocab: Mapping[str, int], words: Sequence[str | None]):
    import scipy.sparse as sp  # training only: scoring uses the collapsed tables

    rows, cols = [], []
    for i, w in enumerate(words):
        j = vocab.get(w) if w is not None else None
        if j is not None:
            rows.append(i)
            cols.append(j)
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(words), len(vocab)))


@dataclass
class FeatureLayout:
    """Which blocks the model uses and their column ranges (fixed at training, saved with the model)."""

    stem_vocab: dict[str, int]
    neighbour_vocab: dict[str, int]
    vector_weight: float = 1.0
    use_neighbour_ids: bool = True
    use_sentence: bool = True
    bigram_vocab: dict[str, int] = field(default_factory=dict)  # "previous word" pairs; empty: no bigram block

    def matrix(self, resources: WordResources, blocks: TokenBlocks, sentence_words: Sequence[Sequence[str]]):
        """The (n_tokens, n_features) matrix: [stem ids | own vector | flags | per offset: vector (+ ids) |
        sentence mean | standing]."""
        import scipy.sparse as sp  # training only

        parts = [
            _id_block(self.stem_vocab, blocks.stems),
            sp.csr_matrix(_vector_block(resources, blocks.folded) * self.vector_weight),
            sp.csr_matrix(np.vstack([resources.flags(w) for w in blocks.folded]) if blocks.folded else None),
        ]
        for o in OFFSETS:
            parts.append(sp.csr_matrix(_vector_block(resources, blocks.neighbours[o]) * self.vector_weight))
            if self.use_neighbour_ids:
                parts.append(_id_block(self.neighbour_vocab, blocks.neighbours[o]))
        if self.use_sentence:
            means = sentence_means(resources, sentence_words) * self.vector_weight
            parts.append(sp.csr_matrix(means[blocks.sentence_of]))
        parts.append(sp.csr_matrix(blocks.standing))
        if self.bigram_vocab:
            for o in OFFSETS:
                parts.append(_id_block(self.bigram_vocab, bigram_keys(blocks, o)))
        return sp.hstack(parts, format="csr")

    def slices(self, dim: int) -> dict[str, slice]:
        """Column ranges of each block in ``matrix``'s output."""
        out: dict[str, slice] = {}
        pos = 0

        def take(name: str, width: int) -> None:
            nonlocal pos
            out[name] = slice(pos, pos + width)
            pos += width

        take("stem", len(self.stem_vocab))
        take("vector", dim)
        take("flags", len(WORD_FLAGS))
        for o in OFFSETS:
            take(f"vector{o:+d}", dim)
            if self.use_neighbour_ids:
                take(f"word{o:+d}", len(self.neighbour_vocab))
        if self.use_sentence:
            take("sentence", dim)
        take("standing", len(STANDING))
        if self.bigram_vocab:
            for o in OFFSETS:
                take(f"bigram{o:+d}", len(self.bigram_vocab))
        return out
