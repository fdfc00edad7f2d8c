"""``loaded_word``: words and short phrases a trained model reads as loaded, in context.

The model (``annotator.model.words``) gives every word of a sentence a probability of reading as loaded
from the word itself, its neighbours and the sentence's tone; words at or above the threshold are flagged,
and adjacent flagged words merge into one phrase. Each flag names the probability, what pushed it (the word
itself, the words around it, the sentence's tone) and words the training annotators marked that are close to
it. Where a curated lexicon entry covers the same words, the lexicon's highlight wins (see the pipeline).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.model.word_features import standing_flat
from annotator.model.words import DocScores, LoadedWordModel, TokenScore, default_word_model
from annotator.textnorm import WordNumbers

CATEGORY = "loaded_language"
# Words never flagged on their own: they carry no stance a journalist could reword.
_SKIP_SHORT = 2
_JOINERS = frozenset({"", " ", "-", "\u2010", "\u2011"})


def word_scores(ctx: Context, model: LoadedWordModel) -> DocScores:
    """Scores of every word in the document's prose and headings (computed once per Context)."""
    key = ("loaded_word_scores", id(model))
    cached = ctx.cache.get(key)
    if cached is not None:
        return cached
    quotes = sorted((q.inner.start, q.inner.end) for q in ctx.quotes)
    runs = [
        (lo, hi)
        for sentence, (lo, hi) in zip(ctx.sentences, ctx.token_ranges, strict=True)
        if sentence.kind in ("prose", "heading") and hi > lo
    ]
    lengths = [hi - lo for lo, hi in runs]
    runs = _joined(runs)
    tokens = _take(ctx.tokens, runs)
    starts = _take(ctx.token_starts, runs)
    numbers = ctx.word_numbers() if runs else None
    if numbers is not None:
        ids = numbers.ids
        ids = ids[runs[0][0] : runs[0][1]] if len(runs) == 1 else np.concatenate([ids[lo:hi] for lo, hi in runs])
        numbers = WordNumbers(ids, numbers.generation)
    standing = standing_flat(ctx.text, tokens, lengths, starts, quotes, numbers)
    folded, keys = _take(ctx.token_folded, runs), _take(ctx.token_keys, runs)
    scores = model.score_flat(tokens, lengths, standing, starts, folded, keys, numbers)
    ctx.cache[key] = scores
    return scores


def _joined(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs in order with each run that starts where the previous one ends joined to it (often one is left:
    the whole document)."""
    out: list[tuple[int, int]] = []
    for lo, hi in runs:
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _take(items: Sequence, runs: list[tuple[int, int]]) -> list:
    """The items of every run ``items[lo:hi]``, one after another."""
    if len(runs) == 1:
        return list(items[runs[0][0] : runs[0][1]])
    return list(chain.from_iterable(items[lo:hi] for lo, hi in runs))


def _pushes(s: TokenScore, before: str | None, after: str | None) -> list[tuple[str, float]]:
    parts = [("the word itself", s.own), ("the sentence's tone", s.tone)]
    if before is not None:
        parts.append((f"“{before}” before it", s.before))
    if after is not None:
        parts.append((f"“{after}” after it", s.after))
    if abs(s.standing) > 0.05:
        parts.append(("how it stands (quotes, capitals)", s.standing))
    return sorted(parts, key=lambda p: -abs(p[1]))


def explain(text: str, scores: DocScores, k: int, model: LoadedWordModel) -> str:
    """Plain-words explanation of the flag on token ``k`` (its neighbours are tokens ``k - 1`` and ``k + 1``
    when they stand in the same sentence: a neighbour's weight is 0 across a sentence edge)."""
    top = scores.token(k)
    tokens = scores.tokens
    before = text[tokens[k - 1].start : tokens[k - 1].end] if k > 0 and top.before else None
    after = text[tokens[k + 1].start : tokens[k + 1].end] if k + 1 < len(tokens) and top.after else None
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
        tokens = scores.tokens
        out: list[Annotation] = []
        run: list[int] = []
        for k in np.flatnonzero(scores.probability >= self.threshold).tolist():
            if not self.flaggable(tokens[k].folded):
                continue
            if run and run[-1] == k - 1 and ctx.text[tokens[k - 1].end : tokens[k].start] in _JOINERS:
                run.append(k)
                continue
            if run:
                out.append(self._annotation(ctx, scores, run))
            run = [k]
        if run:
            out.append(self._annotation(ctx, scores, run))
        return out

    def flaggable(self, word: str) -> bool:
        """Words never flagged on their own: too short, not letters, or grammatical."""
        return len(word) > _SKIP_SHORT and word.isalpha() and not self.model.is_function_word(word)

    def _annotation(self, ctx: Context, scores: DocScores, run: list[int]) -> Annotation:
        tokens = scores.tokens
        span = Span(tokens[run[0]].start, tokens[run[-1]].end)
        top = max(run, key=lambda k: scores.probability[k])
        probability = float(scores.probability[top])
        alternatives = self.model.neutral_neighbours(tokens[top].folded) if len(run) == 1 else ()
        return Annotation(
            span=span,
            detector=self.id,
            category=CATEGORY,
            score=round(probability, 4),
            explanation=explain(ctx.text, scores, top, self.model),
            alternatives=alternatives,
            voice=ctx.voice_at(span),
            severity="model",
            term=" ".join(tokens[k].folded for k in run),
            confidence=round(probability, 4),
            alternatives_source="automatic" if alternatives else "",
        )
