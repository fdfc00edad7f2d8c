"""The common detector interface, the context detectors read, and the registry of detector classes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.document import Annotation, Sentence, Span
from annotator.textnorm import Token
from annotator.voice import Quote, QuoteIndex


@dataclass
class Context:
    """Everything detectors may read: the text, its units, quotes and word tokens (all offset-based)."""

    text: str
    sentences: Sequence[Sentence]
    quotes: Sequence[Quote]
    tokens: Sequence[Token]
    _starts: list[int] = field(default_factory=list, repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # work detectors share (e.g. word scores)

    def __post_init__(self) -> None:
        self._starts = [s.span.start for s in self.sentences]
        self.quote_index = QuoteIndex(self.quotes)
        self._token_starts = token_starts = [t.start for t in self.tokens]
        self.sentence_tokens: list[Sequence[Token]] = []
        for sentence in self.sentences:
            lo = bisect_left(token_starts, sentence.span.start)
            hi = bisect_left(token_starts, sentence.span.end)
            self.sentence_tokens.append([t for t in self.tokens[lo:hi] if t.end <= sentence.span.end])

    def tokens_in(self, span: Span) -> Sequence[Token]:
        """The word tokens that lie within ``span``."""
        lo = bisect_left(self._token_starts, span.start)
        hi = bisect_left(self._token_starts, span.end)
        return [t for t in self.tokens[lo:hi] if t.end <= span.end]

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
