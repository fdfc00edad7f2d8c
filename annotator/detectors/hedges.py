"""``hedge``: hedges and distancing words (reportedly, allegedly, so-called, claimed ...).

The word list is data (``annotator/data/hedges.csv``, lexicon format, categories ``hedge`` and
``distancing``) matched by exact word form, so "claimed" fires but the noun "claims" does not.
"""

from __future__ import annotations

from pathlib import Path

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.lexicon import Lexicon, load_categories, load_entries

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
HEDGES_FILE = DATA_DIR / "hedges.csv"
DEVICE_CATEGORIES_FILE = DATA_DIR / "device_categories.csv"


@register
class HedgeDetector(Detector):
    id = "hedge"
    description = "Hedges and distancing words that cast doubt on a claim or hide its source."

    def __init__(self, path: str | Path = HEDGES_FILE) -> None:
        categories = load_categories(DEVICE_CATEGORIES_FILE)
        self.words = Lexicon(load_entries(path, categories, stem=False), categories, stem=False)

    def detect(self, ctx: Context) -> list[Annotation]:
        out = []
        for match in ctx.lexicon_matches(self.words):
            entry = match.entry
            span = Span(match.start, match.end)
            voice = ctx.voice_at(span)
            score = entry.score * (0.6 if voice == "quote" else 1.0)
            explanation = entry.explanation + (f" Note: {entry.note}" if entry.note else "")
            out.append(
                Annotation(
                    span,
                    self.id,
                    entry.category,
                    round(score, 3),
                    explanation,
                    entry.alternatives,
                    voice,
                    entry.severity,
                    entry.term,
                )
            )
        return out
