"""Whose words are these? Direct quotes, their attribution, and the voice of each sentence.

Voices: ``quote`` (inside a direct quote), ``reported`` (indirect speech attributed to someone: "analysts
say that ...", "according to her ...") and ``author`` (the outlet's own words). A journalist must be able to
tell "the article calls it X" from "the article quotes someone calling it X".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from annotator.document import Sentence, Span

REPORT_VERBS_FILE = Path(__file__).resolve().parent / "data" / "report_verbs.txt"

_OPENERS = '“"«„'
_CLOSERS = '”"»“'
_QUOTE_CHARS = re.compile(r"[“”\"«»„]")
_SINGLE_QUOTE = re.compile(r"(?<![\w’'])‘(?P<inner>[^‘’\n]{1,200}?)’(?![\w])")
_MAX_QUOTE_PARAGRAPHS = 5


@dataclass(frozen=True)
class Quote:
    inner: Span  # the quoted words, without the marks
    outer: Span  # including the marks
    attribution: Span | None = None  # the "..., X said" / "X said: ..." phrase, if stated


@dataclass(frozen=True)
class ReportVerbs:
    forms: frozenset[str]
    finite: frozenset[str]  # forms that signal reported speech on their own (said, says, noted ...)
    doubt: frozenset[str]  # forms that also cast doubt (claimed, alleged ...)


@lru_cache(maxsize=1)
def report_verbs(path: Path = REPORT_VERBS_FILE) -> ReportVerbs:
    forms: set[str] = set()
    finite: set[str] = set()
    doubt: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        is_doubt = words[-1] == "!doubt"
        words = [w for w in words if not w.startswith("!")]
        forms.update(words)
        lemma_first = len(words) > 1
        finite.update(w for i, w in enumerate(words) if not (lemma_first and i == 0) and not w.endswith("ing"))
        if is_doubt:
            doubt.update(w for w in words[1:] if not w.endswith("ing"))
    return ReportVerbs(frozenset(forms), frozenset(finite), frozenset(doubt))


# A verb form after a possessive or an article is a noun ("Clinton's comments were racist", "her claims"):
# it reports nothing.
_NOT_A_NOUN = "".join(
    f"(?<!{w})"
    for w in ("['’]s ", "s['’] ", r"\bhis ", r"\bher ", r"\bits ", r"\bour ", r"\bmy ", r"\bthe ", r"\btheir ")
)
# Subordinate clauses that can open a writer's own sentence: a report verb inside one ("While critics say
# X, ...") does not make the main clause after the comma reported speech. "As X said, ..." is not here: it
# attributes the main clause.
_SUBORDINATOR = re.compile(
    r"\s*(?:while|whilst|although|though|even\s+though|even\s+as|even\s+if|whereas|despite|in\s+spite\s+of|"
    r"when|after|before|since|because|once|until|unless|if)\b",
    re.IGNORECASE,
)


def main_clause_start(sentence: str) -> int:
    """Offset in ``sentence`` where the main clause starts when it opens with a subordinate clause that holds
    a report verb ("While the establishment continues to push the notion that ..., more proof ..."): just
    after the first comma that follows that verb. 0 when the sentence does not open that way."""
    if not _SUBORDINATOR.match(sentence):
        return 0
    cue = _patterns()[2].search(sentence)
    if cue is None:
        return 0
    comma = sentence.find(",", cue.end())
    return comma + 1 if comma != -1 else 0


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    verbs = report_verbs()
    verb = "(?:" + "|".join(sorted(map(re.escape, verbs.forms), key=len, reverse=True)) + ")"
    speaker = (
        r"(?:he|she|they|we|i|it|the\s+[\w'’-]+(?:\s+[\w'’-]+){0,3}|"
        r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})"
    )
    after = re.compile(
        rf"^\s*[,—–-]?\s*(?:{verb}\s+{speaker}|{speaker}\s+(?:\w+\s+)?{verb}\b(?:\s+up)?)", re.IGNORECASE
    )
    before = re.compile(
        rf"(?:{verb}(?:\s+(?:that|in\s+an?\s+\w+|on\s+\w+))?|according\s+to\s+[\w\s'’-]{{1,60}}|"
        rf"in\s+(?:his|her|their|its)\s+(?:opinion|view|words))\s*[:,]?\s*$",
        re.IGNORECASE,
    )
    finite = "|".join(sorted(map(re.escape, verbs.finite), key=len, reverse=True))
    reported = re.compile(
        rf"\baccording\s+to\b|\bin\s+(?:his|her|their|its)\s+(?:opinion|view|words)\b|{_NOT_A_NOUN}\b(?:{finite})\b|"
        rf"\bas\s+(?:[\w'’-]+\s+){{0,5}}{verb}\b"
        rf"|\b(?:they|we|[a-z]+s)\s+(?:say|believe|think|argue|note|state|claim|warn|insist|suggest|contend)\b",
        re.IGNORECASE,
    )
    return after, before, reported


def _paragraph_index(text: str) -> list[int]:
    """Offsets at which a new paragraph (after a blank line) starts."""
    return [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]


def _reopens_each_paragraph(text: str, breaks: list[int], start: int, end: int) -> bool:
    """Whether every paragraph between ``start`` and ``end`` opens with a quotation mark."""
    return all(text[b : b + 1] in _OPENERS for b in breaks if start < b <= end)


def find_quotes(text: str) -> list[Quote]:
    """Direct quotes in ``text``: double curly/straight quotes, guillemets, and ‘single’ quotes.

    A quote may run over several paragraphs (as in news copy); one that is never closed ends at the end
    of the paragraph it opened in, so a stray mark cannot swallow the rest of the article.
    """
    after, before, _ = _patterns()
    breaks = _paragraph_index(text)
    break_set = set(breaks)
    raw: list[tuple[int, int, int, int]] = []  # outer start, inner start, inner end, outer end
    open_at: int | None = None
    for match in _QUOTE_CHARS.finditer(text):
        ch, pos = match.group(), match.start()
        if open_at is None:
            if ch in _OPENERS:
                open_at = pos
            continue
        crossed = sum(1 for b in breaks if open_at < b <= pos)
        if text[open_at] == '"' and crossed:
            # Straight marks span paragraphs only in the newswire convention: each continued paragraph
            # reopens with a mark. Otherwise one stray " would pair with a quote paragraphs later.
            if pos in break_set:
                continue  # the reopening mark of a continued paragraph
            if not _reopens_each_paragraph(text, breaks, open_at, pos):
                end = next(b for b in breaks if b > open_at)
                raw.append((open_at, open_at + 1, end, end))
                open_at = pos
                continue
        if crossed > _MAX_QUOTE_PARAGRAPHS:
            end = next(b for b in breaks if b > open_at)
            raw.append((open_at, open_at + 1, end, end))
            open_at = pos if ch in _OPENERS else None
            continue
        if ch == "“" and text[open_at] == "“":
            line_start = text.rfind("\n", 0, pos) + 1
            if text[line_start:pos].strip():  # a new opening mid-line: the previous quote never closed
                end = text.find("\n", open_at)
                end = len(text) if end == -1 else end
                if end > pos:
                    end = pos
                raw.append((open_at, open_at + 1, end, end))
                open_at = pos
            continue  # an opening mark at the start of a paragraph continues a multi-paragraph quote
        if ch in _CLOSERS:
            raw.append((open_at, open_at + 1, pos, pos + 1))
            open_at = None
    if open_at is not None:
        end = next((b for b in breaks if b > open_at), len(text))
        raw.append((open_at, open_at + 1, end, end))
    for m in _SINGLE_QUOTE.finditer(text):
        if not any(o <= m.start() < e for o, _, _, e in raw):
            raw.append((m.start(), m.start("inner"), m.end("inner"), m.end()))
    raw.sort()

    quotes = []
    for outer_start, inner_start, inner_end, outer_end in raw:
        inner_end = max(inner_start, inner_end)
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
        while inner_start < inner_end and text[inner_start].isspace():
            inner_start += 1
        attribution = None
        tail = text[outer_end : outer_end + 120].split("\n", 1)[0]
        m = after.match(tail)
        if m and m.group().strip(" ,—–-"):
            lead = len(m.group()) - len(m.group().lstrip(" ,—–-"))
            attribution = Span(outer_end + lead, outer_end + m.end())
        else:
            line_start = text.rfind("\n", 0, outer_start) + 1
            head = text[max(line_start, outer_start - 160) : outer_start]
            m = before.search(head)
            if m:
                attribution = Span(outer_start - len(head) + m.start(), outer_start - len(head) + m.end())
        quotes.append(Quote(Span(inner_start, inner_end), Span(outer_start, outer_end), attribution))
    return quotes


def in_quote(span: Span, quotes: Sequence[Quote]) -> Quote | None:
    for quote in quotes:
        if quote.inner.start <= span.start and span.end <= quote.inner.end:
            return quote
    return None


def quoted_share(span: Span, quotes: Sequence[Quote]) -> float:
    """Share of the span's characters that lie inside direct quotes."""
    if not len(span):
        return 0.0
    covered = sum(
        max(0, min(span.end, q.outer.end) - max(span.start, q.outer.start)) for q in quotes if q.outer.overlaps(span)
    )
    return min(1.0, covered / len(span))


def is_reported(text: str) -> bool:
    """Whether a sentence (outside quotes) attributes its content to a speaker."""
    return _patterns()[2].search(text) is not None


def _unquoted(text: str, span: Span, quotes: Sequence[Quote]) -> str:
    """The span's text with direct quotes cut out (replaced by a space)."""
    parts, pos = [], span.start
    for quote in quotes:
        if quote.outer.overlaps(span):
            parts.append(text[pos : max(pos, quote.outer.start)])
            pos = max(pos, min(span.end, quote.outer.end))
    parts.append(text[pos : span.end])
    return " ".join(parts)


def assign_voices(text: str, sentences: Sequence[Sentence], quotes: Sequence[Quote]) -> list[Sentence]:
    """Sentences with ``voice`` set: quote if mostly quoted, reported if attributed, else author."""
    out = []
    for sentence in sentences:
        voice = "author"
        if sentence.kind == "prose":
            if quoted_share(sentence.span, quotes) >= 0.5:
                voice = "quote"
            else:
                unquoted = _unquoted(text, sentence.span, quotes)
                if is_reported(unquoted[main_clause_start(unquoted) :]):
                    voice = "reported"
        out.append(Sentence(sentence.span, sentence.kind, voice, sentence.paragraph, sentence.bias, sentence.top_terms))
    return out
