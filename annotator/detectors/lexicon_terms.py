"""``lexicon``: loaded terms from the curated word list (and any user lexicon)."""

from __future__ import annotations

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.lexicon import Lexicon, default_lexicon
from annotator.model.words import LoadedWordModel


def _confidences(ctx: Context, model: LoadedWordModel):
    """A function span -> the model's highest word probability inside it (None if it scored no word there)."""
    from bisect import bisect_left

    from annotator.detectors.loaded_words import word_scores

    scores = word_scores(ctx, model)
    starts = scores.starts
    probability = scores.probability.tolist()  # a few look-ups: plain floats are cheaper than array calls

    def confidence(span: Span) -> float | None:
        lo = bisect_left(starts, span.start)
        hi = bisect_left(starts, span.end, lo)
        return max(probability[lo:hi]) if hi > lo else None

    return confidence


@register
class LexiconDetector(Detector):
    id = "lexicon"
    description = "Loaded framing terms from the curated lexicon."

    def __init__(self, lexicon: Lexicon | None = None, word_model: LoadedWordModel | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        # when set, every match carries the loaded-word model's in-context probability (shown, not used to
        # drop matches: on the literal-use tests and on BASIL it did not separate literal from loaded uses
        # better than the curated literal_context words; see the model card)
        self.word_model = word_model

    def detect(self, ctx: Context) -> list[Annotation]:
        out = []
        confidence = _confidences(ctx, self.word_model) if self.word_model is not None else None
        for match in ctx.lexicon_matches(self.lexicon):
            entry = match.entry
            span = Span(match.start, match.end)
            p = confidence(span) if confidence is not None else None
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
                    confidence=None if p is None else round(p, 4),
                    alternatives_source="lexicon" if entry.alternatives else "",
                )
            )
        return out
