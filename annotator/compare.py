"""Compare how two texts frame the same story: framing profiles, and the loaded terms each one uses.

Besides "only A / only B / both", it pairs a loaded term in one text with its neutral alternative in the
other ("coup d'etat" in A where B says "revolution"), which is often the clearest sign of two framings of
one event.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from annotator.document import Document
from annotator.rewrite import same_form
from annotator.summary import Summary, summarize
from annotator.textnorm import fold

COMPARE_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Profile:
    name: str
    summary: Summary
    per_100_words: dict[str, float]  # category -> flags per 100 words
    quoted_share: float  # share of characters inside direct quotes
    biases: list[float]  # prose sentence scores (for distributions)
    terms: Counter  # canonical lexicon term -> count


def _term_key(doc: Document, annotation) -> str:
    return fold(annotation.term or doc.evidence(annotation.span))


def profile(doc: Document, name: str) -> Profile:
    summary = summarize(doc)
    words = max(summary.words, 1)
    categories = Counter(a.category for a in doc.annotations)
    quoted = sum(q.end - q.start for q in doc.quotes)
    return Profile(
        name=name,
        summary=summary,
        per_100_words={c: round(100 * n / words, 3) for c, n in categories.most_common()},
        quoted_share=round(quoted / max(len(doc.text), 1), 4),
        biases=[s.bias for s in doc.sentences if s.kind == "prose" and s.bias is not None],
        terms=Counter(_term_key(doc, a) for a in doc.annotations if a.detector == "lexicon"),
    )


@dataclass(frozen=True)
class Comparison:
    a: Document
    b: Document
    profile_a: Profile
    profile_b: Profile
    only_a: list[str]
    only_b: list[str]
    both: list[str]
    pairs: list[dict[str, str]]  # {"loaded": term, "in": "A"|"B", "neutral": alternative found in the other}

    def term_rows(self) -> list[dict[str, object]]:
        """One row per loaded term used by either text: how each text uses it and a neutral alternative.

        ``key`` is the folded term used in ``only_a``/``only_b``/``both``; ``term`` is the word list's own
        spelling for display; ``in`` is "A", "B" or "both".
        """
        info: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for doc in (self.a, self.b):
            for a in doc.annotations:
                if a.detector == "lexicon":
                    info.setdefault(_term_key(doc, a), (a.term or doc.evidence(a.span), a.category, a.alternatives))
        neutral = {(p["in"], p["loaded"]): p["neutral"] for p in self.pairs}
        rows: list[dict[str, object]] = []
        for where, keys in (("A", self.only_a), ("both", self.both), ("B", self.only_b)):
            for key in keys:
                term, category, alternatives = info.get(key, (key, "", ()))
                rows.append(
                    {
                        "key": key,
                        "term": term,
                        "category": category,
                        "in": where,
                        "count_a": self.profile_a.terms.get(key, 0),
                        "count_b": self.profile_b.terms.get(key, 0),
                        "alternatives": list(alternatives),
                        "other_text_says": neutral.get((where, key), ""),
                    }
                )
        return rows

    def to_dict(self) -> dict:
        def side(p: Profile, doc: Document) -> dict:
            return {
                "name": p.name,
                "summary": p.summary.to_dict(),
                "per_100_words": p.per_100_words,
                "quoted_share": p.quoted_share,
                "bias_scores": p.biases,
                "terms": dict(p.terms.most_common()),
                "document": doc.to_dict(),
            }

        return {
            "schema_version": COMPARE_SCHEMA_VERSION,
            "a": side(self.profile_a, self.a),
            "b": side(self.profile_b, self.b),
            "terms": {"only_a": self.only_a, "only_b": self.only_b, "both": self.both},
            "pairs": self.pairs,
            "term_details": self.term_rows(),
        }


def _alternatives(doc: Document) -> dict[str, tuple[str, ...]]:
    """Neutral alternatives of each loaded term the text uses as the term itself.

    The alternatives are written for the term: "provocation" -> "action" fits "a provocation", but not
    "provocative acts" (another word form the entry also flags), so a text that only has other forms of a
    term pairs with nothing, the same rule the neutral rewrites follow.
    """
    out: dict[str, tuple[str, ...]] = {}
    for a in doc.annotations:
        if a.detector == "lexicon" and (not a.term or same_form(doc.evidence(a.span), a.term)):
            out.setdefault(_term_key(doc, a), a.alternatives)
    return out


def _pairs(loaded_in: str, doc: Document, other: Document, terms: list[str]) -> list[dict[str, str]]:
    alternatives = _alternatives(doc)
    folded_other = fold(other.text)
    pairs = []
    for term in terms:
        for alt in alternatives.get(term, ()):
            if "[" in alt or len(alt) < 3:
                continue
            if re.search(r"\b" + re.escape(fold(alt)) + r"\b", folded_other):
                pairs.append({"loaded": term, "in": loaded_in, "neutral": alt})
                break
    return pairs


def compare(a: Document, b: Document, name_a: str = "A", name_b: str = "B") -> Comparison:
    pa, pb = profile(a, name_a), profile(b, name_b)
    terms_a, terms_b = set(pa.terms), set(pb.terms)
    only_a, only_b = sorted(terms_a - terms_b), sorted(terms_b - terms_a)
    return Comparison(
        a=a,
        b=b,
        profile_a=pa,
        profile_b=pb,
        only_a=only_a,
        only_b=only_b,
        both=sorted(terms_a & terms_b),
        pairs=_pairs("A", a, b, only_a) + _pairs("B", b, a, only_b),
    )
