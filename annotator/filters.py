"""The reader's view settings (detectors, categories, minimum score, quoted words) applied to a Document.

The app's sidebar, the charts, the tables and every export read the same filtered Document, so what a
journalist sees on screen is what they download. Filtering never changes the text or the offsets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.document import Annotation, Document, Sentence
from annotator.textnorm import fold


@dataclass(frozen=True)
class ViewSettings:
    """What to show. ``None`` for detectors/categories means all of them.

    ``include_quotes=False`` keeps only the writer's own words: flags inside direct quotes are dropped and
    quoted sentences lose their bias score (reported speech is the writer's paraphrase and stays).
    ``ignore_terms``: a reviewer's ignore list (folded word-list terms or matched words); loaded-term flags
    on them are hidden. A view filter, not an engine setting, so one reviewer's list never changes what
    another reviewer sees, and the app can say how many flags it hides.
    """

    detectors: frozenset[str] | None = None
    categories: frozenset[str] | None = None
    min_score: float = 0.0
    include_quotes: bool = True
    ignore_terms: frozenset[str] = frozenset()
    # model suggestions (``loaded_word``) below this in-context confidence are hidden (0: all of them)
    min_confidence: float = 0.0

    @classmethod
    def make(
        cls,
        detectors: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        min_score: float = 0.0,
        include_quotes: bool = True,
        ignore_terms: Iterable[str] = (),
        min_confidence: float = 0.0,
    ) -> ViewSettings:
        return cls(
            frozenset(detectors) if detectors is not None else None,
            frozenset(categories) if categories is not None else None,
            float(min_score),
            bool(include_quotes),
            frozenset(fold(t.strip()) for t in ignore_terms if t.strip()),
            float(min_confidence),
        )

    @property
    def is_default(self) -> bool:
        return (
            self.detectors is None
            and self.categories is None
            and self.min_score <= 0
            and self.include_quotes
            and not self.ignore_terms
            and self.min_confidence <= 0
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "detectors": sorted(self.detectors) if self.detectors is not None else "all",
            "categories": sorted(self.categories) if self.categories is not None else "all",
            "min_score": self.min_score,
            "include_quotes": self.include_quotes,
            **({"ignored_terms": sorted(self.ignore_terms)} if self.ignore_terms else {}),
            **({"min_confidence": self.min_confidence} if self.min_confidence > 0 else {}),
        }

    def describe(self) -> str:
        """One line for report footers: which filters were on."""
        if self.is_default:
            return "all flags shown"
        parts = []
        if self.detectors is not None:
            parts.append("detectors: " + (", ".join(sorted(self.detectors)) or "none"))
        if self.categories is not None:
            parts.append("categories: " + (", ".join(sorted(self.categories)) or "none"))
        if self.min_score > 0:
            parts.append(f"minimum score {self.min_score:.2f}")
        if self.min_confidence > 0:
            parts.append(f"model suggestions from {self.min_confidence:.0%} confidence")
        if not self.include_quotes:
            parts.append("quoted words not counted")
        if self.ignore_terms:
            n = len(self.ignore_terms)
            parts.append(f"{n} ignored term{'s' if n != 1 else ''} hidden")
        return "; ".join(parts)


def is_ignored(doc: Document, annotation: Annotation, ignore_terms: frozenset[str]) -> bool:
    """Whether a loaded-term flag is on an ignore list (by its word-list term or the words matched)."""
    if annotation.detector != "lexicon":
        return False
    return not {fold(annotation.term), fold(doc.evidence(annotation.span))}.isdisjoint(ignore_terms)


def apply_view(doc: Document, settings: ViewSettings) -> Document:
    """The Document as the reader asked to see it; ``meta['view']`` records the settings."""
    annotations = tuple(
        a
        for a in doc.annotations
        if (settings.detectors is None or a.detector in settings.detectors)
        and (settings.categories is None or a.category in settings.categories)
        and a.score >= settings.min_score - 1e-9
        and (settings.include_quotes or a.voice != "quote")
        and not (settings.ignore_terms and is_ignored(doc, a, settings.ignore_terms))
        and not (a.detector == "loaded_word" and (a.confidence or 0.0) < settings.min_confidence - 1e-9)
    )
    sentences = doc.sentences
    if not settings.include_quotes:
        sentences = tuple(
            Sentence(s.span, s.kind, s.voice, s.paragraph, None, ()) if s.voice == "quote" else s for s in sentences
        )
    meta = dict(doc.meta)
    meta["view"] = settings.to_dict()
    return doc.with_(annotations=annotations, sentences=sentences, meta=meta)
