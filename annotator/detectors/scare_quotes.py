"""``scare_quote``: short quoted phrases used to distance the writer rather than to report speech.

A short quote (a few words, not a full quoted sentence) in a sentence that attributes it to nobody is a
scare quote (struck "military infrastructure"). An attributed partial quote is reported speech and is not
flagged, unless it is preceded by "so-called"/"self-proclaimed" or the quoted phrase is itself a
delegitimizing label from the lexicon (a label being mocked).
"""

from __future__ import annotations

import re

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.lexicon import Lexicon, default_lexicon
from annotator.voice import is_reported, main_clause_start, report_verbs

_MAX_WORDS = 5
_MOCKING_PREFIX = re.compile(r"(?:so[- ]called|self[- ](?:proclaimed|styled)|alleged|supposed|would-be)\s*$", re.I)
_SMALL_WORDS = {"the", "of", "a", "an", "and", "in", "on", "for", "to", "at", "by", "with", "or", "is"}
_WORD = re.compile(r"[a-z]+")
_LABEL_CATEGORIES = {"delegitimizing_label", "partisan_label", "euphemism"}
# Quotation marks that mention a word or show data rather than doubt it: 'the word “Guests”', 'the number
# “2”', 'the code “32135”'.
_MENTIONED = re.compile(
    r"\b(?:words?|terms?|phrases?|names?|labels?|numbers?|figures?|digits?|letters?|hashtags?|slogans?|titles?|"
    r"headings?|headlines?|captions?|codes?|values?|fields?|columns?|buttons?|tabs?|tags?|entry|entries|"
    r"passwords?|spelling|abbreviation|acronym)\s*[:,]?\s*$",
    re.IGNORECASE,
)
_DATA = re.compile(r"[^A-Za-z]*\d[^A-Za-z]*")  # digits and punctuation only: "2", "32135", "$5", "2:1"


def mentioned_or_data(before: str, inner: str) -> bool:
    """Whether quoted words are data or a word mentioned as a word, not the writer's doubt."""
    return _DATA.fullmatch(inner.strip()) is not None or _MENTIONED.search(before) is not None


@register
class ScareQuoteDetector(Detector):
    id = "scare_quote"
    description = "Quotation marks used to cast doubt on a word (scare quotes)."

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else default_lexicon()

    def detect(self, ctx: Context) -> list[Annotation]:
        out = []
        text = ctx.text
        for quote in ctx.quotes:
            inner = text[quote.inner.start : quote.inner.end]
            words = inner.split()
            if not words or len(words) > _MAX_WORDS or inner.rstrip()[-1:] in ".?!…":
                continue
            content = [w for w in words if w.lower() not in _SMALL_WORDS]
            if len(words) >= 2 and content and all(w[:1].isupper() for w in content):
                continue  # a title or a proper name ("Orange Is the New Black")
            sentence = ctx.sentence_at(quote.outer.start)
            if sentence is None or sentence.kind not in ("prose", "heading") or not sentence.span.contains(quote.inner):
                continue
            before = text[sentence.span.start : quote.outer.start]
            if mentioned_or_data(before, inner):
                continue
            # A report verb in an opening subordinate clause does not attribute the main clause's words.
            main = main_clause_start(text[sentence.span.start : sentence.span.end])
            if main and sentence.span.start + main <= quote.outer.start:
                before = text[sentence.span.start + main : quote.outer.start]
            mocked = _MOCKING_PREFIX.search(before) is not None
            labels = [m for m in self.lexicon.match(inner) if m.entry.category in _LABEL_CATEGORIES]
            # Only a cue before the quote (or its own "..., X said") governs it: in 'the "relief" package that
            # critics say ...' the critics are not the source of the quoted word.
            attributed = quote.attribution is not None or is_reported(before)
            doubted = not set(_WORD.findall(before.lower())).isdisjoint(report_verbs().doubt)
            if attributed and not (mocked or labels or doubted):
                continue
            if mocked:
                score, why = 0.9, "preceded by a mocking qualifier"
            elif doubted:
                score, why = 0.75, "the words are attributed with a verb that casts doubt, such as 'claimed'"
            elif labels:
                score, why = 0.75, f"it puts a loaded label ('{labels[0].entry.term}') in quotation marks"
            else:
                score, why = 0.7, "no one is quoted as saying these words"
            span = Span(quote.inner.start, quote.inner.end)
            out.append(
                Annotation(
                    span=span,
                    detector=self.id,
                    category="scare_quote",
                    score=score,
                    explanation=(
                        "Quotation marks around a short phrase distance the writer from it and invite doubt "
                        f"about it ({why}). Say who uses the term, or use plain words without quotation marks."
                    ),
                    alternatives=(inner.strip(" ,") + " (without quotation marks, attributed)",),
                    voice="author",
                    severity="medium",
                    term="scare quote",
                )
            )
        return out
