"""Document-level numbers: share of biased sentences, loaded terms per 100 words, counts by category.

Pure functions of a Document; the app, the exports and the CLI all show the same numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from annotator.document import Annotation, Document
from annotator.textnorm import fold

BIASED_THRESHOLD = 0.5


# Detectors whose ``term`` is a word-list entry: their hits group under it ("Kiev" and "Kiev's" are one term).
TERM_DETECTORS = ("lexicon", "hedge")


def term_key(doc: Document, a: Annotation) -> str:
    """What a flag is "the same term" by: the word-list term for lexicon and hedge hits, else the words."""
    if a.detector in TERM_DETECTORS and a.term:
        return fold(a.term)
    return fold(" ".join(doc.evidence(a.span).split()))


def term_counts(doc: Document, detectors: tuple[str, ...] = ("lexicon",)) -> list[tuple[str, int]]:
    """Uses per term, most used first, under the word-list spelling: [("Kiev", 11), ...], not kiev 9 / kiev's 2."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for a in doc.annotations:
        if a.detector in detectors:
            key = term_key(doc, a)
            counts[key] = counts.get(key, 0) + 1
            names.setdefault(key, a.term or " ".join(doc.evidence(a.span).split()))
    return sorted(((names[k], n) for k, n in counts.items()), key=lambda item: -item[1])


@dataclass(frozen=True)
class Summary:
    words: int
    sentences: int
    prose_sentences: int
    scored_sentences: int
    biased_share: float | None  # share of scored prose sentences with bias >= threshold
    mean_bias: float | None
    by_voice: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    loaded_terms: int = 0
    loaded_per_100_words: float = 0.0
    anonymous_sources: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    detectors: dict[str, int] = field(default_factory=dict)
    top_terms: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _bias_stats(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"sentences": 0, "biased_share": None, "mean_bias": None}
    return {
        "sentences": len(values),
        "biased_share": round(sum(v >= BIASED_THRESHOLD for v in values) / len(values), 4),
        "mean_bias": round(sum(values) / len(values), 4),
    }


def summarize(doc: Document) -> Summary:
    words = len(doc.text.split())
    prose = [s for s in doc.sentences if s.kind == "prose"]
    scored = [s for s in prose if s.bias is not None]
    overall = _bias_stats([s.bias for s in scored])  # type: ignore[misc]
    by_voice = {
        voice: _bias_stats([s.bias for s in scored if s.voice == voice])  # type: ignore[misc]
        for voice in ("author", "reported", "quote")
    }
    lexicon_hits = [a for a in doc.annotations if a.detector == "lexicon"]
    return Summary(
        words=words,
        sentences=len(doc.sentences),
        prose_sentences=len(prose),
        scored_sentences=len(scored),
        biased_share=overall["biased_share"],  # type: ignore[arg-type]
        mean_bias=overall["mean_bias"],  # type: ignore[arg-type]
        by_voice=by_voice,
        loaded_terms=len(lexicon_hits),
        loaded_per_100_words=round(100 * len(lexicon_hits) / words, 2) if words else 0.0,
        anonymous_sources=sum(a.detector == "anonymous_source" for a in doc.annotations),
        categories=dict(Counter(a.category for a in doc.annotations).most_common()),
        detectors=dict(Counter(a.detector for a in doc.annotations).most_common()),
        top_terms=term_counts(doc)[:10],
    )
