"""``lexicon``: loaded terms from the curated word list (and any user lexicon)."""

from __future__ import annotations

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.lexicon import Lexicon, default_lexicon


@register
class LexiconDetector(Detector):
    id = "lexicon"
    description = "Loaded framing terms from the curated lexicon."

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else default_lexicon()

    def detect(self, ctx: Context) -> list[Annotation]:
        out = []
        for match in (m for tokens in ctx.sentence_tokens for m in self.lexicon.match_tokens(tokens)):
            entry = match.entry
            span = Span(match.start, match.end)
            explanation = entry.explanation
            if entry.note:
                explanation = f"{explanation} Note: {entry.note}"
            out.append(
                Annotation(
                    span=span,
                    detector=self.id,
                    category=entry.category,
                    score=entry.score,
                    explanation=explanation,
                    alternatives=entry.alternatives,
                    voice=ctx.voice_at(span),
                    severity=entry.severity,
                    term=entry.term,
                )
            )
        return out
