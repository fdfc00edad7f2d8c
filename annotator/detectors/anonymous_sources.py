"""``anonymous_source``: vague or unnamed sourcing ("a source close to ...", "experts believe").

Patterns are data (``annotator/data/anonymous_sources.csv``: regex, trigger words, score, explanation),
validated on load. A pattern runs only on sentences that contain one of its trigger words, which keeps
the detector fast on long articles. A source phrase is extended over the prepositional phrase that places
the source ("The RT source in the Servant of the People party"), so the highlight covers what the reader
is told about the source.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from annotator.detectors.base import Context, Detector, register
from annotator.document import Annotation, Span
from annotator.voice import report_verbs

PATTERNS_FILE = Path(__file__).resolve().parent.parent / "data" / "anonymous_sources.csv"

_TAIL_STARTS = re.compile(
    r"\s+(?:close\s+to|familiar\s+with|with\s+(?:direct\s+)?knowledge\s+of|briefed\s+on|in|inside|within|at|from|of|near)\s",
    re.IGNORECASE,
)
_WORD = re.compile(r"\s*([\w'’.-]+)")
_SPACES = re.compile(r"\s*")
_TAIL_GLUE = {"the", "a", "an", "of", "in", "at", "for", "and", "on", "to", "de", "du"}
_TAIL_STOP = {
    "also",
    "is",
    "was",
    "are",
    "were",
    "has",
    "have",
    "had",
    "who",
    "that",
    "which",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "does",
    "did",
    "do",
    "not",
    "believes",
    "believe",
    "thinks",
    "says",
    "said",
    "told",
    "it",
    "he",
    "she",
    "they",
    "however",
    "but",
}
_NOT_PEOPLE = {
    "open",
    "power",
    "energy",
    "water",
    "main",
    "primary",
    "major",
    "renewable",
    "food",
    "heat",
    "light",
    "data",
    "funding",
    "revenue",
    "income",
    "growing",
    "biggest",
    "largest",
    "only",
    "single",
    "protein",
    "carbon",
    "point",
    "code",
    "important",
    "key",
    "another",
    "new",
    "same",
    "original",
    "free",
    "traffic",
}
_MAX_TAIL_WORDS = 10


@dataclass(frozen=True)
class SourcePattern:
    regex: re.Pattern[str]
    triggers: frozenset[str]
    score: float
    explanation: str


def load_patterns(path: str | Path = PATTERNS_FILE) -> list[SourcePattern]:
    patterns = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row_number, row in enumerate(csv.DictReader(fh), start=2):
            try:
                regex = re.compile(row["pattern"], re.IGNORECASE)
                score = float(row["score"])
            except (re.error, ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}, row {row_number}: invalid pattern or score: {exc}") from None
            triggers = frozenset((row.get("triggers") or "").lower().split())
            if not 0 <= score <= 1 or not (row.get("explanation") or "").strip() or not triggers:
                raise ValueError(
                    f"{path}, row {row_number}: score must be in [0, 1], explanation and triggers non-empty"
                )
            patterns.append(SourcePattern(regex, triggers, score, row["explanation"].strip()))
    if not patterns:
        raise ValueError(f"{path}: no patterns")
    return patterns


def _extend_tail(text: str, end: int, limit: int) -> int:
    """Extend a source phrase over a following 'in the X party' / 'close to the Y' phrase."""
    lead = _TAIL_STARTS.match(text, end, limit)
    if not lead:
        return end
    pos, best, words = lead.end(), end, 0
    stops = _TAIL_STOP | report_verbs().forms
    while pos < limit and words < _MAX_TAIL_WORDS:
        m = _WORD.match(text, pos, limit)
        if not m:
            break
        word = m.group(1).rstrip(".")
        lower = word.lower()
        if lower in stops:
            break
        pos = m.start(1) + len(word)
        words += 1
        if lower not in _TAIL_GLUE:
            best = pos
    return best


def _of_a_thing(text: str, end: int, limit: int) -> bool:
    """Whether "of" and then no capital follows ``end`` ("a source of income", not "a source of Reuters")."""
    pos = _SPACES.match(text, end, limit).end()
    after = text[pos : min(pos + 4, limit)]
    return after.startswith("of ") and not after[3:4].isupper()


@register
class AnonymousSourceDetector(Detector):
    id = "anonymous_source"
    description = "Unnamed or vague sources that readers cannot check."

    def __init__(self, path: str | Path = PATTERNS_FILE) -> None:
        self.patterns = load_patterns(path)
        # trigger word -> the patterns it can start (by position in the file, which decides ties)
        self._by_trigger: dict[str, list[int]] = {}
        for k, pattern in enumerate(self.patterns):
            for word in pattern.triggers:
                self._by_trigger.setdefault(word, []).append(k)
        self._triggers = frozenset(self._by_trigger)

    def detect(self, ctx: Context) -> list[Annotation]:
        found: dict[tuple[int, int], tuple[float, str]] = {}
        text = ctx.text
        folded = ctx.token_folded
        for sentence, (lo, hi) in zip(ctx.sentences, ctx.token_ranges, strict=True):
            if sentence.kind != "prose":
                continue
            hits = self._triggers.intersection(folded[lo:hi])
            if not hits:
                continue
            s_end = sentence.span.end
            for k in sorted({k for word in hits for k in self._by_trigger[word]}):
                pattern = self.patterns[k]
                for m in pattern.regex.finditer(text, sentence.span.start, s_end):
                    start, end = m.start(), m.end()
                    phrase = text[start:end].lower().split()
                    if len(phrase) >= 2 and phrase[-2] in _NOT_PEOPLE:
                        continue
                    if phrase[-1].startswith("source") and _of_a_thing(text, end, s_end):
                        continue  # "a source of income", not a person
                    end = _extend_tail(text, end, s_end)
                    previous = found.get((start, end))
                    if previous is None or previous[0] < pattern.score:
                        found[(start, end)] = (pattern.score, pattern.explanation)
        spans = sorted(found, key=lambda se: (se[0], -(se[1] - se[0])))
        out: list[Annotation] = []
        last_end = -1
        for start, end in spans:
            if start < last_end:  # keep the longest of overlapping matches
                continue
            score, explanation = found[(start, end)]
            span = Span(start, end)
            out.append(
                Annotation(
                    span,
                    self.id,
                    "anonymous_source",
                    score,
                    explanation,
                    ("name the source", "say why anonymity was granted"),
                    ctx.voice_at(span),
                    "medium",
                    "anonymous source",
                )
            )
            last_end = end
        return out
