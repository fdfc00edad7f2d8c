"""The one data model every stage fills in and every view reads.

Spans are half-open ``[start, end)`` character offsets into ``Document.text``; the evidence of a span is
always ``text[start:end]`` and never a stored copy. The JSON form (``to_dict``/``from_dict``) is the
contract for the CLI, exports and downstream tools and carries a ``schema_version``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

from annotator.limits import surrogate_message

SCHEMA_VERSION = "1.1"  # 1.1: annotations gain "confidence" and "alternatives_source" (loaded_word detector)
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "document.schema.json"  # JSON Schema of to_dict()

VOICES = ("author", "quote", "reported")
SENTENCE_KINDS = ("prose", "caption", "heading", "credit", "dateline")


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into the document text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Annotation:
    """One flagged piece of framing, with the reason a journalist can read."""

    span: Span
    detector: str
    category: str
    score: float
    explanation: str
    alternatives: tuple[str, ...] = ()
    voice: str = "author"
    severity: str = ""
    term: str = ""  # canonical lexicon term or device name that matched
    # the learned loaded-word model's in-context probability for these words (None when it did not score them)
    confidence: float | None = None
    # where ``alternatives`` come from: "lexicon" (curated), "automatic" (nearest words the model rates
    # neutral; a suggestion to check), or "" when there are none or they come from a detector's own data
    alternatives_source: str = ""

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.span.start, self.span.end, self.detector, self.category)


@dataclass(frozen=True)
class Sentence:
    """A sentence or non-prose unit (caption, heading, credit, dateline)."""

    span: Span
    kind: str = "prose"
    voice: str = "author"
    paragraph: int = 0
    bias: float | None = None
    top_terms: tuple[tuple[str, float], ...] = ()


def _holds(sentence: Sentence, pos: int) -> bool:
    return sentence.span.start <= pos < max(sentence.span.end, sentence.span.start + 1)


@dataclass(frozen=True)
class Document:
    """An annotated text: sentences and annotations point into ``text`` by offsets."""

    text: str
    sentences: tuple[Sentence, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    quotes: tuple[Span, ...] = ()  # direct-quote regions (inner text, without the marks)
    meta: dict[str, Any] = field(default_factory=dict)

    def evidence(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def sentence_of(self, span: Span) -> Sentence | None:
        """The first sentence that contains ``span`` (or overlaps its start); logarithmic time."""
        starts, reach = self._sentence_index
        if starts is None:  # sentences out of order (hand-made): scan them all
            return next((s for s in self.sentences if _holds(s, span.start)), None)
        hi = bisect_right(starts, span.start)
        for i in range(bisect_right(reach, span.start, 0, hi), hi):
            if _holds(self.sentences[i], span.start):
                return self.sentences[i]
        return None

    @cached_property
    def _sentence_index(self) -> tuple[list[int] | None, list[int]]:
        """Sentence starts and the running maximum of their ends (None if the starts are out of order)."""
        starts = [s.span.start for s in self.sentences]
        if any(a > b for a, b in pairwise(starts)):
            return None, []
        return starts, list(accumulate((max(s.span.end, s.span.start + 1) for s in self.sentences), max))

    def with_(self, **changes: Any) -> Document:
        return replace(self, **changes)

    # ---- serialisation -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "text": self.text,
            "sentences": [
                {
                    "start": s.span.start,
                    "end": s.span.end,
                    "kind": s.kind,
                    "voice": s.voice,
                    "paragraph": s.paragraph,
                    "bias": s.bias,
                    "top_terms": [[t, w] for t, w in s.top_terms],
                }
                for s in self.sentences
            ],
            "annotations": [
                {
                    "start": a.span.start,
                    "end": a.span.end,
                    "text": self.evidence(a.span),
                    "detector": a.detector,
                    "category": a.category,
                    "severity": a.severity,
                    "term": a.term,
                    "score": a.score,
                    "explanation": a.explanation,
                    "alternatives": list(a.alternatives),
                    "voice": a.voice,
                    "confidence": a.confidence,
                    "alternatives_source": a.alternatives_source,
                }
                for a in self.annotations
            ],
            "quotes": [[q.start, q.end] for q in self.quotes],
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(f"unsupported schema_version {version!r} (expected {SCHEMA_VERSION})")
        text = data["text"]
        problem = surrogate_message(text) if isinstance(text, str) else "text is not a string"
        if problem:
            raise ValueError(problem)
        sentences = tuple(
            Sentence(
                span=Span(s["start"], s["end"]),
                kind=s.get("kind", "prose"),
                voice=s.get("voice", "author"),
                paragraph=s.get("paragraph", 0),
                bias=s.get("bias"),
                top_terms=tuple((t, float(w)) for t, w in s.get("top_terms", [])),
            )
            for s in data.get("sentences", [])
        )
        annotations = []
        for a in data.get("annotations", []):
            span = Span(a["start"], a["end"])
            if "text" in a and text[span.start : span.end] != a["text"]:
                raise ValueError(f"annotation text {a['text']!r} does not match offsets {span}")
            annotations.append(
                Annotation(
                    span=span,
                    detector=a["detector"],
                    category=a["category"],
                    score=float(a["score"]),
                    explanation=a["explanation"],
                    alternatives=tuple(a.get("alternatives", ())),
                    voice=a.get("voice", "author"),
                    severity=a.get("severity", ""),
                    term=a.get("term", ""),
                    confidence=None if a.get("confidence") is None else float(a["confidence"]),
                    alternatives_source=a.get("alternatives_source", ""),
                )
            )
        quotes = tuple(Span(q[0], q[1]) for q in data.get("quotes", []))
        return cls(
            text=text,
            sentences=sentences,
            annotations=tuple(annotations),
            quotes=quotes,
            meta=dict(data.get("meta", {})),
        )
