"""Whose words are these? Direct quotes, their attribution, and the voice of each sentence.

Voices: ``quote`` (inside a direct quote), ``reported`` (indirect speech attributed to someone: "analysts
say that ...", "according to her ...") and ``author`` (the outlet's own words). A journalist must be able to
tell "the article calls it X" from "the article quotes someone calling it X".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from annotator.document import Sentence, Span

REPORT_VERBS_FILE = Path(__file__).resolve().parent / "data" / "report_verbs.txt"

_OPENERS = '“"«„'
_CLOSERS = '”"»“'
_QUOTE_CHARS = re.compile(r"[“”\"«»„]")
# The opening mark first, then "no letter or apostrophe before it": a pattern that starts with a literal is
# searched for by that character, not tried at every position of the text.
_SINGLE_QUOTE = re.compile(r"‘(?<![\w’']‘)(?P<inner>[^‘’\n]{1,200}?)’(?![\w])")
_ANY_QUOTE = re.compile(r"[“”\"«»„‘]")
_MAX_QUOTE_PARAGRAPHS = 5
_PLURAL_VERBS = ("say", "believe", "think", "argue", "note", "state", "claim", "warn", "insist", "suggest", "contend")
_LETTERS = re.compile(r"[^\W\d_]+")


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
    # Word lists as prefix trees: the same matches, longest form first, as a longest-first alternation, but
    # tried in a few steps instead of one per form (these patterns run at every quote and sentence).
    verb = "(?:" + _trie(verbs.forms) + ")"
    speaker = (
        r"(?:he|she|they|we|i|it|the\s+[\w'’-]+(?:\s+[\w'’-]+){0,3}|"
        r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})"
    )
    after = re.compile(rf"\s*[,—–-]?\s*(?:{verb}\s+{speaker}|{speaker}\s+(?:\w+\s+)?{verb}\b(?:\s+up)?)", re.IGNORECASE)
    before = re.compile(
        rf"(?:{verb}(?:\s+(?:that|in\s+an?\s+\w+|on\s+\w+))?|according\s+to\s+[\w\s'’-]{{1,60}}|"
        rf"in\s+(?:his|her|their|its)\s+(?:opinion|view|words))\s*[:,]?\s*$",
        re.IGNORECASE,
    )
    finite = _trie(verbs.finite)
    reported = re.compile(
        # the word boundary before the look-behinds: tried first, it fails fast inside words
        rf"\baccording\s+to\b|\bin\s+(?:his|her|their|its)\s+(?:opinion|view|words)\b|\b{_NOT_A_NOUN}(?:{finite})\b|"
        rf"\bas\s+(?:[\w'’-]+\s+){{0,5}}{verb}\b"
        rf"|\b(?:they|we|[a-z]+s)\s+(?:{'|'.join(_PLURAL_VERBS)})\b",
        re.IGNORECASE,
    )
    return after, before, reported


def _paragraph_index(text: str) -> list[int]:
    """Offsets at which a new paragraph (after a blank line) starts."""
    return [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]


class _Lines:
    """Line and paragraph look-ups for ``find_quotes`` by bisection (no scans back to the start of the text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.breaks = _paragraph_index(text)
        self.break_set = set(self.breaks)
        # not_reopened[i]: how many of the first i paragraph breaks are not followed by an opening mark
        self.not_reopened = [0]
        for b in self.breaks:
            self.not_reopened.append(self.not_reopened[-1] + (text[b : b + 1] not in _OPENERS))
        self._first_solid: dict[int, int] = {}

    def crossed(self, start: int, end: int) -> int:
        """Number of paragraph breaks b with start < b <= end."""
        return bisect_right(self.breaks, end) - bisect_right(self.breaks, start)

    def next_break(self, pos: int, default: int) -> int:
        i = bisect_right(self.breaks, pos)
        return self.breaks[i] if i < len(self.breaks) else default

    def reopens_each_paragraph(self, start: int, end: int) -> bool:
        """Whether every paragraph that starts between ``start`` and ``end`` opens with a quotation mark."""
        lo, hi = bisect_right(self.breaks, start), bisect_right(self.breaks, end)
        return self.not_reopened[hi] == self.not_reopened[lo]

    def line_start(self, pos: int) -> int:
        i = bisect_left(self.newlines, pos)
        return self.newlines[i - 1] + 1 if i else 0

    def line_end(self, pos: int) -> int:
        """Offset of the first newline at or after ``pos`` (or the end of the text)."""
        i = bisect_left(self.newlines, pos)
        return self.newlines[i] if i < len(self.newlines) else len(self.text)

    def blank_before(self, pos: int) -> bool:
        """Whether only whitespace precedes ``pos`` on its line."""
        start = self.line_start(pos)
        if start not in self._first_solid:
            m = _SOLID.search(self.text, start)
            self._first_solid[start] = m.start() if m else len(self.text)
        return self._first_solid[start] >= pos


_SOLID = re.compile(r"\S")


def _attribution_before(
    text: str, raw: list[tuple[int, int, int, int]], lines: _Lines, before: re.Pattern[str]
) -> dict[int, Span]:
    """Attribution phrases that end at a quote's opening mark ("X said: “...”"), by the quote's outer start.

    Same result as ``before.search`` on the 160 characters before each quote (within its line), but the
    regex is only tried where one of its first words starts; those places are found in one pass over the
    windows, so dense quotation marks cost linear time.
    """
    windows = [(max(lines.line_start(o), o - _ATTRIBUTION_WINDOW), o) for o, _, _, _ in raw]
    starts: list[int] = []
    lo = hi = -1
    for w_lo, w_hi in [*windows, (len(text) + 1, len(text) + 1)]:
        if w_lo > hi:  # windows come in order of their start: merge overlapping ones, scan each merged one
            if hi > lo:
                starts.extend(m.start() for m in _first_words().finditer(text, lo, hi))
            lo = w_lo
        hi = max(hi, w_hi)
    found: dict[int, Span] = {}
    for w_lo, w_hi in windows:
        for i in range(bisect_left(starts, w_lo), bisect_left(starts, w_hi)):
            m = before.match(text, starts[i], w_hi)
            if m:
                found[w_hi] = Span(m.start(), m.end())
                break
    return found


_ATTRIBUTION_WINDOW = 160


@lru_cache(maxsize=1)
def _first_words() -> re.Pattern[str]:
    """Where an attribution before a quote can start: a verb of saying, "according" or "in" (any case)."""
    return re.compile("(?=" + _trie([*report_verbs().forms, "according", "in"]) + ")", re.IGNORECASE)


def _trie(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (lower case), nested by shared prefixes so it is tried in few steps."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return render(tree)


def find_quotes(text: str) -> list[Quote]:
    """Direct quotes in ``text``: double curly/straight quotes, guillemets, and ‘single’ quotes.

    A quote may run over several paragraphs (as in news copy); one that is never closed ends at the end
    of the paragraph it opened in, so a stray mark cannot swallow the rest of the article. Linear in the
    length of the text (up to log factors), however many quotation marks it has.
    """
    if _ANY_QUOTE.search(text) is None:  # most sentences, and some articles, hold no quotation mark at all
        return []
    after, before, _ = _patterns()
    lines = _Lines(text)
    raw: list[tuple[int, int, int, int]] = []  # outer start, inner start, inner end, outer end
    open_at: int | None = None
    for match in _QUOTE_CHARS.finditer(text):
        ch, pos = match.group(), match.start()
        if open_at is None:
            if ch in _OPENERS:
                open_at = pos
            continue
        crossed = lines.crossed(open_at, pos)
        if text[open_at] == '"' and crossed:
            # Straight marks span paragraphs only in the newswire convention: each continued paragraph
            # reopens with a mark. Otherwise one stray " would pair with a quote paragraphs later.
            if pos in lines.break_set:
                continue  # the reopening mark of a continued paragraph
            if not lines.reopens_each_paragraph(open_at, pos):
                end = lines.next_break(open_at, len(text))
                raw.append((open_at, open_at + 1, end, end))
                open_at = pos
                continue
        if crossed > _MAX_QUOTE_PARAGRAPHS:
            end = lines.next_break(open_at, len(text))
            raw.append((open_at, open_at + 1, end, end))
            open_at = pos if ch in _OPENERS else None
            continue
        if ch == "“" and text[open_at] == "“":
            if not lines.blank_before(pos):  # a new opening mid-line: the previous quote never closed
                end = min(lines.line_end(open_at), pos)
                raw.append((open_at, open_at + 1, end, end))
                open_at = pos
            continue  # an opening mark at the start of a paragraph continues a multi-paragraph quote
        if ch in _CLOSERS:
            raw.append((open_at, open_at + 1, pos, pos + 1))
            open_at = None
    if open_at is not None:
        end = lines.next_break(open_at, len(text))
        raw.append((open_at, open_at + 1, end, end))
    # Double-quote regions come in order; a ‘single’ quote counts only where it opens outside all of them.
    starts = [r[0] for r in raw]
    reach = list(accumulate((r[3] for r in raw), max))
    for m in _SINGLE_QUOTE.finditer(text) if "‘" in text else ():
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or reach[i] <= m.start():
            raw.append((m.start(), m.start("inner"), m.end("inner"), m.end()))
    raw.sort()

    quotes = []
    heads: dict[int, Span] | None = None
    for outer_start, inner_start, inner_end, outer_end in raw:
        inner_end = max(inner_start, inner_end)
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
        while inner_start < inner_end and text[inner_start].isspace():
            inner_start += 1
        attribution = None
        m = after.match(text, outer_end, min(outer_end + 120, lines.line_end(outer_end)))  # the rest of the line
        if m and m.group().strip(" ,—–-"):
            lead = len(m.group()) - len(m.group().lstrip(" ,—–-"))
            attribution = Span(outer_end + lead, m.end())
        else:
            if heads is None:
                heads = _attribution_before(text, raw, lines, before)
            attribution = heads.get(outer_start)
        quotes.append(Quote(Span(inner_start, inner_end), Span(outer_start, outer_end), attribution))
    return quotes


class QuoteIndex:
    """Quotes sorted by position, to ask which quotes overlap or contain a span in logarithmic time.

    Quotes barely overlap each other (a ‘single’ quote may hold a double one), so walking back from a
    bisection point while the running maximum of the ends still reaches the span visits few quotes.
    """

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = sorted(quotes, key=lambda q: q.outer.start)  # stable: keeps find_quotes' order
        self._outer_starts = [q.outer.start for q in self.quotes]
        self._outer_reach = list(accumulate((q.outer.end for q in self.quotes), max))
        by_inner = sorted(quotes, key=lambda q: q.inner.start)
        self._inner_starts = [q.inner.start for q in by_inner]
        self._inner_reach = list(accumulate((q.inner.end for q in by_inner), max))

    def overlapping(self, span: Span) -> list[Quote]:
        """Quotes whose marks overlap ``span``, in text order."""
        out = []
        j = bisect_left(self._outer_starts, span.end) - 1
        while j >= 0 and self._outer_reach[j] > span.start:
            if self.quotes[j].outer.overlaps(span):
                out.append(self.quotes[j])
            j -= 1
        out.reverse()
        return out

    def inside(self, span: Span) -> bool:
        """Whether ``span`` lies within the quoted words of some quote."""
        i = bisect_right(self._inner_starts, span.start)
        return i > 0 and self._inner_reach[i - 1] >= span.end


def _index(quotes: Sequence[Quote] | QuoteIndex) -> QuoteIndex:
    return quotes if isinstance(quotes, QuoteIndex) else QuoteIndex(quotes)


def in_quote(span: Span, quotes: Sequence[Quote]) -> Quote | None:
    """The first quote whose quoted words contain ``span`` (a linear scan; ``QuoteIndex.inside`` for many)."""
    for quote in quotes:
        if quote.inner.start <= span.start and span.end <= quote.inner.end:
            return quote
    return None


def quoted_share(span: Span, quotes: Sequence[Quote] | QuoteIndex) -> float:
    """Share of the span's characters that lie inside direct quotes."""
    return _share(span, _index(quotes).overlapping(span)) if len(span) else 0.0


def _share(span: Span, overlapping: list[Quote]) -> float:
    """``quoted_share`` of a non-empty span, given the quotes that overlap it."""
    covered = sum(min(span.end, q.outer.end) - max(span.start, q.outer.start) for q in overlapping)
    return min(1.0, covered / len(span))


def is_reported(text: str) -> bool:
    """Whether a sentence (outside quotes) attributes its content to a speaker."""
    # Most sentences hold none of the words every match needs: one set test spares them the regex.
    if not _has_cue_word(text):
        return False
    return _patterns()[2].search(text) is not None


def _has_cue_word(text: str) -> bool:
    """Whether a run of letters in ``text`` (a ``_LETTERS`` match), in lower case as the patterns compare
    them, is one of ``_reported_cue_words``."""
    folded = _case_folded(text)
    spaced = folded
    if not spaced.isascii():  # the usual punctuation of news copy made spaces (str.replace runs in C)
        for ch in _PUNCTUATION:
            spaced = spaced.replace(ch, " ")
    if spaced.isascii():  # every byte but a letter made a space: a split gives the runs, no regex match each
        return not _cue_bytes().isdisjoint(spaced.encode("ascii").translate(_NOT_LETTERS).split())
    return not _reported_cue_words().isdisjoint(_LETTERS.findall(folded))


def _is_letter(ch: str) -> bool:
    """Whether ``_LETTERS`` (``[^\\W\\d_]``) takes the character: a word character but no decimal digit."""
    return ch.isalnum() and not ch.isdecimal()


_PUNCTUATION = [ch for ch in "‘’‚‛“”„«»‹›–—―‐‑‒…•·\xa0\u2009\u200a\u202f′″" if not _is_letter(ch)]
_NOT_LETTERS = bytes(c if _is_letter(chr(c)) else 32 for c in range(256))  # a bytes.translate table (ASCII)
# Characters that the patterns' IGNORECASE matches to an ASCII letter but ``str.lower`` does not turn into it
_CASE_ODDITIES = str.maketrans({"ſ": "s", "ı": "i", "İ": "i", "K": "k"})


def _case_folded(text: str) -> str:
    """``text`` in lower case, as the patterns' IGNORECASE compares ASCII letters ("ſaid" reads "said")."""
    return text.lower() if text.isascii() else text.translate(_CASE_ODDITIES).lower()


@lru_cache(maxsize=1)
def _reported_cue_words() -> frozenset[str]:
    """Lower-case words one of which every match of ``is_reported``'s pattern contains as a whole word."""
    verbs = report_verbs()
    return verbs.forms | verbs.finite | {"according", "opinion", "view", "words", *_PLURAL_VERBS}


@lru_cache(maxsize=1)
def _cue_bytes() -> frozenset[bytes]:
    """``_reported_cue_words`` as ASCII bytes (the words that are ASCII: only those can match)."""
    return frozenset(w.encode("ascii") for w in _reported_cue_words() if w.isascii())


def first_reported_cue(text: str, start: int, end: int) -> int | None:
    """End of the first word in ``text[start:end]`` that ``is_reported`` needs, or None if there is none.

    ``is_reported(text[start:e])`` is False for every ``e`` below this offset that does not cut a word
    (``text[e]`` is not a letter, e.g. a quotation mark): every match of its pattern contains one of
    these words whole. A cheap test that spares the regex on long stretches with no verb of saying.
    """
    words = _reported_cue_words()
    for m in _LETTERS.finditer(text, start, end):
        if _case_folded(m.group()) in words:
            return m.end()
    return None


def _unquoted(text: str, span: Span, quotes: Sequence[Quote] | QuoteIndex) -> str:
    """The span's text with direct quotes cut out (replaced by a space)."""
    return _cut(text, span, _index(quotes).overlapping(span))


def _cut(text: str, span: Span, overlapping: list[Quote]) -> str:
    """``_unquoted`` given the quotes that overlap the span, in text order."""
    parts, pos = [], span.start
    for quote in overlapping:
        parts.append(text[pos : max(pos, quote.outer.start)])
        pos = max(pos, min(span.end, quote.outer.end))
    parts.append(text[pos : span.end])
    return " ".join(parts)


def assign_voices(text: str, sentences: Sequence[Sentence], quotes: Sequence[Quote]) -> list[Sentence]:
    """Sentences with ``voice`` set: quote if mostly quoted, reported if attributed, else author."""
    index = QuoteIndex(quotes)
    out = []
    for sentence in sentences:
        voice = "author"
        if sentence.kind == "prose":
            span = sentence.span
            overlapping = index.overlapping(span)  # most sentences quote no one
            if overlapping and len(span) and _share(span, overlapping) >= 0.5:
                voice = "quote"
            else:
                unquoted = _cut(text, span, overlapping) if overlapping else text[span.start : span.end]
                if is_reported(unquoted[main_clause_start(unquoted) :]):
                    voice = "reported"
        if voice == sentence.voice:
            out.append(sentence)  # frozen: the same sentence can stand in both lists
        else:
            out.append(
                Sentence(sentence.span, sentence.kind, voice, sentence.paragraph, sentence.bias, sentence.top_terms)
            )
    return out
