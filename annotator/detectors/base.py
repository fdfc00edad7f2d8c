"""The common detector interface, the context detectors read, and the registry of detector classes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from annotator.document import Annotation, Sentence, Span
from annotator.textnorm import Token, Tokens, WordNumbers
from annotator.voice import Quote, QuoteIndex

if TYPE_CHECKING:
    from annotator.lexicon import Lexicon
    from annotator.lexicon.matcher import LexiconMatch


_START, _END, _KEY, _FOLDED = (itemgetter(i) for i in range(4))  # Token fields, read by the thousand


@dataclass
class Context:
    """Everything detectors may read: the text, its units, quotes and word tokens (all offset-based).

    ``tokens`` are in text order and do not overlap (as ``tokenize`` makes them). Each sentence's tokens are
    one run of them, ``tokens[lo:hi]`` with ``(lo, hi) = token_ranges[i]``: detectors that work on every
    sentence can read the document's token lists once instead of one list per sentence.
    """

    text: str
    sentences: Sequence[Sentence]
    quotes: Sequence[Quote]
    tokens: Sequence[Token]
    _starts: list[int] = field(default_factory=list, repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # work detectors share (e.g. word scores)

    def __post_init__(self) -> None:
        self._starts = [s.span.start for s in self.sentences]
        self.quote_index = QuoteIndex(self.quotes)
        tokens = self.tokens
        if isinstance(tokens, Tokens):  # from tokenize: its columns are made already
            self.token_starts, self._token_ends = token_starts, token_ends = tokens.starts, tokens.ends
            self.__dict__["token_keys"], self.__dict__["token_folded"] = tokens.keys, tokens.folded  # cached
        else:
            self.token_starts = token_starts = list(map(_START, tokens))
            self._token_ends = token_ends = list(map(_END, tokens))
        self.token_ranges: list[tuple[int, int]] = []
        for sentence in self.sentences:
            lo = bisect_left(token_starts, sentence.span.start)
            hi = bisect_left(token_starts, sentence.span.end, lo)
            # tokens do not overlap, so their ends are in order too: drop the one that runs past the end
            self.token_ranges.append((lo, bisect_right(token_ends, sentence.span.end, lo, hi)))
        # sentences from ``segment`` come in order and never overlap; hand-made ones might
        self._ranges_in_order = all(a[1] <= b[0] for a, b in pairwise(self.token_ranges))

    def word_numbers(self) -> WordNumbers | None:
        """Every token's word number in ``VOCABULARY`` (for ``WordTable.take``), or None when the tokens do
        not carry numbers (then read the tokens' keys instead)."""
        tokens = self.tokens
        if not isinstance(tokens, Tokens):
            return None
        numbers = self.cache.get("word_numbers")
        if numbers is None:
            ids = np.asarray(tokens.ids, dtype=np.intp)
            numbers = self.cache["word_numbers"] = WordNumbers(ids, tokens.generation)
        return numbers

    @cached_property
    def sentence_tokens(self) -> list[Sequence[Token]]:
        """Each sentence's word tokens (``tokens[lo:hi]`` for its ``token_ranges`` entry)."""
        tokens = self.tokens
        return [tokens[lo:hi] for lo, hi in self.token_ranges]

    @cached_property
    def token_folded(self) -> list[str]:
        """The folded form of every token (``Token.folded``), in order."""
        return list(map(_FOLDED, self.tokens))

    @cached_property
    def token_keys(self) -> list[str]:
        """The matching key of every token (``Token.key``), in order."""
        return list(map(_KEY, self.tokens))

    def lexicon_matches(self, lexicon: Lexicon) -> list[LexiconMatch]:
        """``lexicon``'s matches in every sentence, in order: what matching each sentence's tokens on its own
        gives, found in one pass over the document's tokens."""
        if self._ranges_in_order:
            return lexicon.match_runs(
                self.tokens, self.token_ranges, self.token_keys, self.token_folded, self.word_numbers()
            )
        return [m for tokens in self.sentence_tokens for m in lexicon.match_tokens(tokens)]

    def tokens_in(self, span: Span) -> Sequence[Token]:
        """The word tokens that lie within ``span``."""
        lo = bisect_left(self.token_starts, span.start)
        hi = bisect_left(self.token_starts, span.end, lo)
        return self.tokens[lo : bisect_right(self._token_ends, span.end, lo, hi)]

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].span.end:
            return self.sentences[i]
        return None

    def voice_at(self, span: Span) -> str:
        if self.quote_index.inside(span):
            return "quote"
        sentence = self.sentence_at(span.start)
        if sentence is None or sentence.voice == "quote":
            return "author"
        return sentence.voice


class Detector:
    """A detector finds one kind of framing and explains each hit.

    Subclasses set ``id`` (stable, used in JSON) and implement ``detect``. Construction loads and validates
    any data the detector needs, so errors surface before the first text is annotated.
    """

    id: str = ""
    description: str = ""

    def detect(self, ctx: Context) -> list[Annotation]:
        raise NotImplementedError


REGISTRY: dict[str, Callable[..., Detector]] = {}


def register(cls: type[Detector]) -> type[Detector]:
    if not cls.id:
        raise ValueError(f"{cls.__name__} has no id")
    if cls.id in REGISTRY:
        raise ValueError(f"detector id {cls.id!r} registered twice")
    REGISTRY[cls.id] = cls
    return cls
