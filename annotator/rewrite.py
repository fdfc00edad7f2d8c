"""Neutral rewrites: each flagged sentence with its loaded terms swapped for the first neutral alternative.

A term is swapped only when it can be done safely:
- the entry's first alternative is concrete (a placeholder such as "according to [named source]" means
  the fix needs the journalist's knowledge, so nothing is swapped);
- the text matched is the entry's own term, up to case, accents, apostrophes, hyphens, a plural and a
  possessive. Variants and other word forms that the lexicon also flags ("rioters" for "riot", "frighten"
  for "frightening", "sham referendum" for "sham election") keep their flag and explanation but are not
  swapped, because the alternative was written for the term and would not fit them.

The swap keeps the original's capitalisation, plural and possessive, and leaves everything else in the
sentence as is. ``Rewrite.diff()`` lists the changes for display.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from annotator.document import Annotation, Document, Span
from annotator.textnorm import exact_key

REWRITE_DETECTORS = ("lexicon", "hedge")
_POSSESSIVE = re.compile(r"['’]s$")
_LEAD = re.compile(r"[ \t\n\"'“‘(\[]*")  # what may open a sentence before its first word (see rewrite_sentence)


@dataclass(frozen=True)
class Change:
    span: Span
    original: str
    replacement: str


@dataclass(frozen=True)
class Rewrite:
    sentence: Span
    original: str
    rewritten: str
    changes: tuple[Change, ...]

    def diff(self) -> list[tuple[str, str]]:
        """The rewrite as (op, text) pairs: op is "=" (same), "-" (removed) or "+" (added).

        Built from the changes themselves, so a replaced phrase stays one piece ("Kiev regime" ->
        "Ukrainian government") and unchanged text is never reported as changed.
        """
        out: list[tuple[str, str]] = []
        pos = self.sentence.start
        for c in self.changes:
            if c.span.start > pos:
                out.append(("=", self.original[pos - self.sentence.start : c.span.start - self.sentence.start]))
            if c.original != c.replacement:
                out += [("-", c.original), ("+", c.replacement)]
            else:
                out.append(("=", c.original))
            pos = c.span.end
        if pos < self.sentence.end:
            out.append(("=", self.original[pos - self.sentence.start :]))
        merged: list[tuple[str, str]] = []
        for op, text in out:
            if merged and merged[-1][0] == op == "=":
                merged[-1] = ("=", merged[-1][1] + text)
            elif text:
                merged.append((op, text))
        return merged

    def to_dict(self) -> dict:
        return {
            "start": self.sentence.start,
            "end": self.sentence.end,
            "original": self.original,
            "rewritten": self.rewritten,
            "changes": [
                {"start": c.span.start, "end": c.span.end, "original": c.original, "replacement": c.replacement}
                for c in self.changes
            ],
        }


OMIT = "(omit)"  # an alternative meaning "drop the word" (e.g. for "so-called")


def usable_alternative(annotation: Annotation) -> str | None:
    """The first alternative if it is concrete; "" when it says to drop the word; else None."""
    if not annotation.alternatives:
        return None
    alt = annotation.alternatives[0].strip()
    if alt.lower() == OMIT:
        return ""
    if alt and "[" not in alt and "(" not in alt:
        return alt
    return None


_WORD_SPLIT = re.compile(r"[\s\-\u2010\u2011\u2013]+")


def same_form(original: str, term: str) -> bool:
    """True when ``original`` is ``term`` itself, up to case, accents, apostrophes, hyphens, a plural of
    the last word and a possessive ("Illegal Aliens'" for "illegal alien"), so its alternative fits."""
    found = [exact_key(w) for w in _WORD_SPLIT.split(original.strip()) if w]
    wanted = [exact_key(w) for w in _WORD_SPLIT.split(term.strip()) if w]
    if not found or len(found) != len(wanted) or found[:-1] != wanted[:-1]:
        return False
    last, base = found[-1].rstrip("'"), wanted[-1]
    return last in (base, base + "s", base + "es", _pluralize(base))


def _pluralize(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def match_form(original: str, term: str, replacement: str, at_start: bool = False) -> str:
    """Give ``replacement`` the case, plural and possessive of ``original`` (a form of ``term``).

    A capital is carried over when it comes from the sentence start or a headline ("Regime" for "regime"),
    not when the term itself is a proper noun ("Russophobia" -> "criticism of Russia" mid-sentence).
    """
    possessive = _POSSESSIVE.search(original)
    base = original[: possessive.start()] if possessive else original
    last_word = base.split()[-1].lower() if base.split() else ""
    term_last = term.split()[-1].lower() if term.split() else ""
    out = replacement
    if last_word.endswith("s") and not term_last.endswith("s") and not out.split()[-1].endswith("s"):
        words = out.split(" ")
        words[-1] = _pluralize(words[-1])
        out = " ".join(words)
    if base.isupper() and len(base) > 1:
        out = out.upper()
    elif base[:1].isupper() and not out[:1].isupper() and (at_start or not term[:1].isupper()):
        out = out[:1].upper() + out[1:]
    if possessive:
        out += possessive.group()
    return out


_AN_EXCEPTIONS = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)  # a silent h: "an hour"
_A_EXCEPTIONS = re.compile(r"^(?:uni|use|usu|ura|uro|utop|eu|ewe|one\b|once)", re.IGNORECASE)  # "a union"
_VOWEL_LETTER_NAMES = set("AEFHILMNORSX")  # initialisms read letter by letter: "an FBI agent", "an NGO"
_ARTICLE_BEFORE = re.compile(r"(?:^|(?<=[\s\"'“‘(\[]))(an?)(\s+)$", re.IGNORECASE)


def indefinite_article(word: str) -> str:
    """ "a" or "an" for the word that follows it, by its first sound (a spelling heuristic with the common
    exceptions: "an hour", "a union", "a one-off", "an FBI raid")."""
    word = word.strip("\"'“”‘’([")
    if not word:
        return "a"
    head = re.split(r"[\s\-]", word, maxsplit=1)[0]
    if len(head) > 1 and head.isupper() and head.isalpha() and (len(head) <= 3 or not re.search("[AEIOU]", head)):
        return "an" if head[0] in _VOWEL_LETTER_NAMES else "a"
    if _AN_EXCEPTIONS.match(word):
        return "an"
    if _A_EXCEPTIONS.match(word):
        return "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def _with_case(article: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return article.upper()
    return article[:1].upper() + article[1:] if like[:1].isupper() else article


def _article_fix(doc: Document, sentence: Span, change: Change, floor: int) -> Change | None:
    """A change of the "a"/"an" just before ``change`` when the new word needs the other one
    ("A coup d'etat" -> "An ouster"); ``floor`` is where the text before it may still be changed."""
    before = _ARTICLE_BEFORE.search(doc.text[max(floor, sentence.start) : change.span.start])
    if before is None:
        return None
    following = change.replacement or doc.text[change.span.end : sentence.end].lstrip()
    if not following.strip():
        return None
    wanted = indefinite_article(following)
    written = before.group(1)
    if written.lower() == wanted:
        return None
    start = max(floor, sentence.start) + before.start(1)
    return Change(Span(start, start + len(written)), written, _with_case(wanted, written))


def rewrite_sentence(doc: Document, sentence: Span, annotations: list[Annotation]) -> Rewrite | None:
    changes = []
    lead_end = _LEAD.match(doc.text, sentence.start, sentence.end).end()  # spaces, quotes, brackets opening it
    for a in sorted(annotations, key=Annotation.sort_key):
        if a.detector not in REWRITE_DETECTORS or not sentence.contains(a.span) or a.voice == "quote":
            continue
        alternative = usable_alternative(a)
        if alternative is None or (changes and a.span.start < changes[-1].span.end):
            continue
        original = doc.evidence(a.span)
        if a.term and not same_form(original, a.term):
            continue
        if alternative == "":  # drop the word and the space after it
            end = a.span.end
            while end < sentence.end and doc.text[end] == " ":
                end += 1
            changes.append(Change(Span(a.span.start, end), doc.text[a.span.start : end], ""))
            continue
        at_start = a.span.start <= lead_end
        changes.append(Change(a.span, original, match_form(original, a.term or original, alternative, at_start)))
    if not changes:
        return None
    fixed: list[Change] = []
    for c in changes:
        article = _article_fix(doc, sentence, c, fixed[-1].span.end if fixed else sentence.start)
        if article is not None:  # one change from the article on: "a provocation" -> "an action"
            gap = doc.text[article.span.end : c.span.start]
            span = Span(article.span.start, c.span.end)
            c = Change(span, doc.evidence(span), article.replacement + gap + c.replacement)
        fixed.append(c)
    changes = fixed
    parts, pos = [], sentence.start
    for c in changes:
        parts += [doc.text[pos : c.span.start], c.replacement]
        pos = c.span.end
    parts.append(doc.text[pos : sentence.end])
    return Rewrite(sentence, doc.evidence(sentence), "".join(parts), tuple(changes))


def neutral_rewrites(doc: Document) -> list[Rewrite]:
    """A rewrite for every sentence in the author's or reported voice that has a swappable term.

    Words inside direct quotes are never changed: a journalist cannot rewrite what someone said.
    """
    out = []
    annotations = sorted(doc.annotations, key=lambda a: a.span.start)
    starts = [a.span.start for a in annotations]
    for sentence in doc.sentences:
        span = sentence.span
        window = annotations[bisect_left(starts, span.start) : bisect_right(starts, span.end)]
        inside = [a for a in window if a.span.end <= span.end]
        rewrite = rewrite_sentence(doc, span, inside) if inside else None
        if rewrite is not None:
            out.append(rewrite)
    return out
