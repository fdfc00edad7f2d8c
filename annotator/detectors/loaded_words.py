"""``loaded_word``: words and short phrases a trained model reads as loaded, in context.

The model (``annotator.model.words``) gives every word of a sentence a probability of reading as loaded
from the word itself, its neighbours and the sentence's tone; words at or above the threshold are flagged,
and adjacent flagged words merge into one phrase. Each flag names the probability, what pushed it (the word
itself, the words around it, the sentence's tone) and words the training annotators marked that are close to
it. Where a curated lexicon entry covers the same words, the lexicon's highlight wins (see the pipeline).
"""

from __future__ import annotations

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.model.words import LoadedWordModel, TokenScore, default_word_model

CATEGORY = "loaded_language"
# Words never flagged on their own: they carry no stance a journalist could reword.
_SKIP_SHORT = 2
_JOINERS = frozenset({"", " ", "-", "\u2010", "\u2011"})


def word_scores(ctx: Context, model: LoadedWordModel) -> list[TokenScore]:
    """Scores of every word in the document's prose and headings (computed once per Context)."""
    key = ("loaded_word_scores", id(model))
    cached = ctx.cache.get(key)
    if cached is not None:
        return cached
    out: list[TokenScore] = []
    for sentence in ctx.sentences:
        if sentence.kind not in ("prose", "heading"):
            continue
        text = ctx.text[sentence.span.start : sentence.span.end]
        out.extend(model.score_tokens(text, offset=sentence.span.start))
    ctx.cache[key] = out
    return out


def _pushes(s: TokenScore, before: str | None, after: str | None) -> list[tuple[str, float]]:
    parts = [("the word itself", s.own), ("the sentence's tone", s.tone)]
    if before is not None:
        parts.append((f"“{before}” before it", s.before))
    if after is not None:
        parts.append((f"“{after}” after it", s.after))
    if abs(s.standing) > 0.05:
        parts.append(("how it stands (quotes, capitals)", s.standing))
    return sorted(parts, key=lambda p: -abs(p[1]))


def explain(text: str, scores: list[TokenScore], k: int, model: LoadedWordModel) -> str:
    """Plain-words explanation of the flag on ``scores[k]`` (its neighbours are ``scores[k - 1]``, ``[k + 1]``
    when they stand in the same sentence: a neighbour's weight is 0 across a sentence edge)."""
    top = scores[k]
    before = text[scores[k - 1].start : scores[k - 1].end] if k > 0 and top.before else None
    after = text[scores[k + 1].start : scores[k + 1].end] if k + 1 < len(scores) and top.after else None
    pushed = "; ".join(f"{label} {weight:+.1f}" for label, weight in _pushes(top, before, after) if abs(weight) >= 0.1)
    similar = model.similar_marked(top.word)
    lines = [
        f"Suggested by the model, not the curated word list: {top.probability:.0%} likely to read as loaded "
        f"here (flags start at {model.threshold:.0%}).",
        f"What pushed it: {pushed}." if pushed else "",
        "Annotators marked similar words: " + ", ".join(similar) + "." if similar else "",
    ]
    return " ".join(x for x in lines if x)


@register
class LoadedWordDetector(Detector):
    id = "loaded_word"
    description = "Words a trained model reads as loaded in context (suggestions beyond the curated list)."

    def __init__(self, model: LoadedWordModel | None = None, threshold: float | None = None) -> None:
        self.model = model if model is not None else default_word_model()
        self.threshold = float(threshold) if threshold is not None else self.model.threshold

    def detect(self, ctx: Context) -> list[Annotation]:
        scores = word_scores(ctx, self.model)
        flagged = [self.flaggable(s) for s in scores]
        out: list[Annotation] = []
        run: list[int] = []
        for k, s in enumerate(scores):
            if flagged[k] and run and ctx.text[scores[run[-1]].end : s.start] in _JOINERS:
                run.append(k)
                continue
            if run:
                out.append(self._annotation(ctx, scores, run))
                run = []
            if flagged[k]:
                run = [k]
        if run:
            out.append(self._annotation(ctx, scores, run))
        return out

    def flaggable(self, s: TokenScore) -> bool:
        return (
            s.probability >= self.threshold
            and len(s.word) > _SKIP_SHORT
            and s.word.isalpha()
            and not self.model.is_function_word(s.word)
        )

    def _annotation(self, ctx: Context, scores: list[TokenScore], run: list[int]) -> Annotation:
        span = Span(scores[run[0]].start, scores[run[-1]].end)
        top = max(run, key=lambda k: scores[k].probability)
        probability = scores[top].probability
        alternatives = self.model.neutral_neighbours(scores[top].word) if len(run) == 1 else ()
        return Annotation(
            span=span,
            detector=self.id,
            category=CATEGORY,
            score=round(probability, 4),
            explanation=explain(ctx.text, scores, top, self.model),
            alternatives=alternatives,
            voice=ctx.voice_at(span),
            severity="model",
            term=" ".join(scores[k].word for k in run),
            confidence=round(probability, 4),
            alternatives_source="automatic" if alternatives else "",
        )
