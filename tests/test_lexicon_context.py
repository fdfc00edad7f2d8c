"""Lexicon matches in context: an entry matches its own inflections, not other words sharing a stem, and
entries with a literal sense are not flagged where the words around them mark that sense."""

from __future__ import annotations

import csv

import pytest

from annotator import Annotator
from annotator.lexicon import default_lexicon
from annotator.textnorm import lemma_forms
from tests.conftest import DATA


@pytest.mark.parametrize(
    "text, term, reason",
    [
        ("Strelkov was outraged by the decision.", None, "'outraged' shares a stem with *outrageous* only"),
        ("an outrageous claim", "outrageous", "the entry itself"),
        ("Ellen DeGeneres hosted the show.", None, "a name sharing the stem of *degenerates*"),
        ("The mayor will appoint judicial activities staff.", None, "'judicial activities' is not *activist judges*"),
        ("The plan is illegal under state law.", None, "'illegal' is not the noun *illegals*"),
        ("Officials neutral on the question stayed away.", None, "'neutral' is not *neutralized*"),
        ("The coupe was parked outside.", None, "a car, not a *coup*"),
        ("Rioters smashed the windows.", "riot", "a listed variant's plural (rioter -> rioters)"),
        ("Riots erupted downtown.", "riot", "the term's plural"),
        ("Critics slammed the decision.", "slammed", "the entry's own form"),
        ("He slams the plan daily.", "slammed", "another inflection of the same verb"),
        ("Both coups d'état failed.", "coup d'etat", "plural of a phrase, accents folded"),
        ("The hysterical reaction surprised no one.", "hysteria", "a listed variant"),
    ],
)
def test_lexicon_context_matches_inflections_not_stem_collisions(text, term, reason):
    terms = [m.entry.term for m in default_lexicon().match(text)]
    if term is None:
        assert terms == [], reason
    else:
        assert term in terms, reason


@pytest.mark.parametrize(
    "word, base, same",
    [
        ("outraged", "outrageous", False),
        ("outraged", "outrage", True),
        ("rallies", "rally", True),
        ("slammed", "slam", True),
        ("hysterically", "hysterical", True),
        ("terribly", "terrible", True),
        ("rioter", "riot", False),
        ("destroys", "destroyed", True),
    ],
)
def test_lexicon_context_lemma_forms(word, base, same):
    assert (not lemma_forms(word).isdisjoint(lemma_forms(base))) is same


def test_lexicon_context_no_entry_collides_with_another_entrys_words():
    """Across the whole bundled list: a single-word form never matches another entry's single-word form
    unless one is an inflection of the other (the stem-collision check, for every pair at once)."""
    lexicon = default_lexicon()
    forms = {}
    for entry in lexicon.entries:
        for form in entry.forms():
            if len(form.split()) == 1:
                forms.setdefault(form.lower(), entry.term)
    for form, term in forms.items():
        matched = {m.entry.term for m in lexicon.match(form)}
        assert matched <= {term} | {t for f, t in forms.items() if not lemma_forms(f).isdisjoint(lemma_forms(form))}, (
            form,
            matched,
        )


def _literal_cases():
    with open(DATA / "literal_senses.csv", encoding="utf-8", newline="") as fh:
        return [pytest.param(r["sentence"], r["word"], r["use"], id=r["reason"]) for r in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def lexicon_only():
    return Annotator(model=None, detectors=["lexicon"])


@pytest.mark.parametrize("sentence, word, use", _literal_cases())
def test_lexicon_context_literal_uses_are_not_flagged(lexicon_only, sentence, word, use):
    doc = lexicon_only.annotate(sentence)
    hit = any(word.lower() in doc.evidence(a.span).lower() for a in doc.annotations)
    assert hit is (use == "loaded")
