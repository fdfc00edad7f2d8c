"""``scare_quote``: short quoted phrases used to distance the writer rather than to report speech.

A short quote (a few words, not a full quoted sentence) in a sentence that attributes it to nobody is a
scare quote (struck "military infrastructure"). An attributed partial quote is reported speech and is not
flagged, unless it is preceded by "so-called"/"self-proclaimed" or the quoted phrase is itself a
delegitimizing label from the lexicon (a label being mocked).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.lexicon import Lexicon, default_lexicon
from annotator.voice import first_reported_cue, is_reported, main_clause_start, report_verbs

_MAX_WORDS = 5
_MOCKING_PREFIX = re.compile(r"(?:so[- ]called|self[- ](?:proclaimed|styled)|alleged|supposed|would-be)\s*$", re.I)
_MOCKING_LONGEST = len("self-proclaimed")  # the longest word the pattern can match before its spaces
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


_MENTION_WINDOW = 40  # characters before a quote that can hold "the word", "the number" ...


def mentioned_or_data(text: str, start: int, pos: int, inner: str) -> bool:
    """Whether quoted words are data or a word mentioned as a word, not the writer's doubt: ``inner`` is the
    quoted text, ``text[start:pos]`` the sentence before the quotation mark (only its end is read)."""
    if _DATA.fullmatch(inner.strip()) is not None:
        return True
    return _MENTIONED.search(text, max(start, pos - _MENTION_WINDOW), pos) is not None


class _SentenceCues:
    """What the words of one sentence before each of its quotes say, in time near-linear in the sentence.

    Whether the words before a quote attribute it ("critics say") or cast doubt ("claimed") can only
    switch from no to yes as the quote moves right, so the answer for every quote of a sentence comes
    from a binary search over the quotes rather than one regex scan of the sentence prefix per quote.
    """

    def __init__(self, text: str, sentence: Span, positions: list[int]) -> None:
        self.text, self.start, self.positions = text, sentence.start, positions
        self._reported_from: int | None = None
        self._doubted_from: int | None = None

    def reported(self, pos: int) -> bool:
        if self._reported_from is None:
            cue = first_reported_cue(self.text, self.start, self.positions[-1])
            skip = len(self.positions) if cue is None else bisect_left(self.positions, cue)
            self._reported_from = self._first(self._reported_at, skip)
        return pos >= self._reported_from

    def doubted(self, pos: int) -> bool:
        if self._doubted_from is None:
            self._doubted_from = self._first(self._doubted_at)
        return pos >= self._doubted_from

    def _first(self, test: Callable[[int], bool], lo: int = 0) -> int:
        """The first position (of a quote, from index ``lo``) at which the monotone ``test`` holds.

        Past the end of the text if there is none.
        """
        hi = len(self.positions)
        if lo < hi and not test(self.positions[-1]):
            lo = hi
        while lo < hi:
            mid = (lo + hi) // 2
            if test(self.positions[mid]):
                hi = mid
            else:
                lo = mid + 1
        return self.positions[lo] if lo < len(self.positions) else len(self.text) + 1

    def _reported_at(self, pos: int) -> bool:
        return is_reported(self.text[self.start : pos])

    def _doubted_at(self, pos: int) -> bool:
        return not set(_WORD.findall(self.text[self.start : pos].lower())).isdisjoint(report_verbs().doubt)


def _mocked(text: str, start: int, pos: int) -> bool:
    """Whether "so-called" or a like qualifier (then only spaces) stands right before ``pos``."""
    end = pos
    while end > start and text[end - 1].isspace():
        end -= 1
    return _MOCKING_PREFIX.search(text, max(start, end - _MOCKING_LONGEST), pos) is not None


@register
class ScareQuoteDetector(Detector):
    id = "scare_quote"
    description = "Quotation marks used to cast doubt on a word (scare quotes)."

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else default_lexicon()

    def detect(self, ctx: Context) -> list[Annotation]:
        text = ctx.text
        candidates = []
        main_clause: dict[Span, int] = {}  # sentence -> offset of its main clause (0: the whole sentence)
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
            if mentioned_or_data(text, sentence.span.start, quote.outer.start, inner):
                continue
            # A report verb in an opening subordinate clause ("While critics say ..., the “reform” ...") does
            # not attribute the main clause's words: their cues are read from the main clause's start.
            if sentence.span not in main_clause:
                main_clause[sentence.span] = main_clause_start(text[sentence.span.start : sentence.span.end])
            main = sentence.span.start + main_clause[sentence.span]
            start = main if main > sentence.span.start and main <= quote.outer.start else sentence.span.start
            candidates.append((quote, inner, Span(start, sentence.span.end)))
        positions: dict[Span, list[int]] = {}
        for quote, _, sentence in candidates:
            positions.setdefault(sentence, []).append(quote.outer.start)
        cues = {sentence: _SentenceCues(text, sentence, sorted(p)) for sentence, p in positions.items()}
        out = []
        for quote, inner, sentence in candidates:
            before = cues[sentence]
            mocked = _mocked(text, sentence.start, quote.outer.start)
            # The context's tokens inside the quote are the ones ``self.lexicon.match(inner)`` would make:
            # quotation marks and spaces bound them.
            matches = self.lexicon.match_tokens(ctx.tokens_in(quote.inner))
            labels = [m for m in matches if m.entry.category in _LABEL_CATEGORIES]
            # Only a cue before the quote (or its own "..., X said") governs it: in 'the "relief" package that
            # critics say ...' the critics are not the source of the quoted word.
            attributed = quote.attribution is not None or before.reported(quote.outer.start)
            doubted = before.doubted(quote.outer.start)
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
