import pytest

from annotator.rewrite import indefinite_article, match_form, neutral_rewrites


@pytest.mark.parametrize(
    ("original", "term", "replacement", "expected", "reason"),
    [
        ("regime", "regime", "government", "government", "plain swap"),
        ("Regime", "regime", "government", "Government", "sentence-initial capital kept"),
        ("REGIME", "regime", "government", "GOVERNMENT", "all caps kept"),
        ("provocations", "provocation", "incident", "incidents", "plural kept"),
        ("militias", "militia", "armed group", "armed groups", "plural on the last word of a phrase"),
        ("Kiev’s", "Kiev", "Kyiv", "Kyiv’s", "possessive with curly apostrophe kept"),
        ("thugs", "thug", "suspect", "suspects", "simple plural"),
        ("atrocities", "atrocity", "killing", "killings", "ies plural of the original"),
        ("Russophobia", "Russophobia", "criticism of Russia", "criticism of Russia", "a proper noun's capital stays"),
    ],
)
def test_rewrite_match_form(original, term, replacement, expected, reason):
    assert match_form(original, term, replacement) == expected, reason


def test_rewrite_capital_at_sentence_start_is_kept(engine):
    doc = engine.annotate("Russophobia is everywhere, the writer said. Critics see Russophobia in Europe.")
    first, second = (r.rewritten for r in neutral_rewrites(doc))
    assert first.startswith("Criticism of Russia is everywhere")
    assert "see criticism of Russia in Europe" in second


def test_rewrite_swaps_terms_outside_quotes_only(engine):
    text = "The Kiev regime staged a provocation. “The Kiev regime lies,” the minister said."
    doc = engine.annotate(text)
    rewrites = neutral_rewrites(doc)
    assert len(rewrites) == 1
    (rewrite,) = rewrites
    assert rewrite.original == "The Kiev regime staged a provocation."
    assert "regime" not in rewrite.rewritten and "provocation" not in rewrite.rewritten
    assert rewrite.rewritten.endswith(".")
    ops = {op for op, _ in rewrite.diff()}
    assert ops == {"=", "-", "+"}


def test_rewrite_neutral_text_has_no_rewrites(engine):
    doc = engine.annotate("The council approved the budget on Tuesday, the clerk said.")
    assert neutral_rewrites(doc) == []


def test_rewrite_omit_alternative_drops_the_word(engine):
    doc = engine.annotate("The so-called referendum was held on Sunday.")
    (rewrite,) = neutral_rewrites(doc)
    assert rewrite.rewritten == "The referendum was held on Sunday."


@pytest.mark.parametrize(
    ("original", "term", "expected", "reason"),
    [
        ("illegal aliens", "illegal alien", True, "plural of the last word"),
        ("Kiev’s", "Kiev", True, "possessive with a curly apostrophe"),
        ("Coup d’État", "coup d'etat", True, "case, accents and apostrophe folded"),
        ("Open-borders", "open borders", True, "hyphen or space"),
        ("sanctuary cities", "sanctuary city", True, "y -> ies plural"),
        ("rioters", "riot", False, "another word (a person, not an event): the alternative 'unrest' would not fit"),
        ("frighten", "frightening", False, "another part of speech found by stemming"),
        ("sham referendum", "sham election", False, "a listed variant with other words"),
        ("puppet leader", "puppet government", False, "a listed variant with other words"),
    ],
)
def test_rewrite_same_form(original, term, expected, reason):
    from annotator.rewrite import same_form

    assert same_form(original, term) is expected, reason


def test_rewrite_skips_variants_and_placeholder_alternatives(engine):
    doc = engine.annotate("Rioters fought the mob. He allegedly fled. A sham referendum was held in Kiev.")
    flagged = {doc.evidence(a.span) for a in doc.annotations}
    assert {"Rioters", "mob", "allegedly", "sham referendum", "Kiev"} <= flagged  # all still flagged
    rewrites = neutral_rewrites(doc)
    rewritten = " ".join(r.rewritten for r in rewrites)
    assert "fought the crowd" in rewritten and "Rioters" in rewritten  # term swapped, variant left
    assert all(r.original != "He allegedly fled." for r in rewrites)  # placeholder first alternative
    assert "A sham referendum was held in Kyiv." in rewritten


@pytest.mark.parametrize(
    ("word", "expected", "reason"),
    [
        ("ouster", "an", "vowel"),
        ("war", "a", "consonant"),
        ("hour", "an", "silent h"),
        ("honest", "an", "silent h"),
        ("union", "a", "'you' sound"),
        ("one-off", "a", "'won' sound"),
        ("European", "a", "'you' sound"),
        ("FBI", "an", "initialism read as letters: 'ef'"),
        ("UN", "a", "initialism read as letters: 'you'"),
        ("NATO", "a", "acronym read as a word"),
        ("“ouster”", "an", "quote marks are skipped"),
    ],
)
def test_rewrite_indefinite_article(word, expected, reason):
    assert indefinite_article(word) == expected, reason


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("A coup d'etat toppled the president.", "An ouster toppled the president.", "A -> An at the start"),
        ("It was a coup d'etat, they wrote.", "It was an ouster, they wrote.", "a -> an mid-sentence"),
        ("The clash was an all-out war for days.", "The clash was a war for days.", "an -> a"),
        ("AN ALL-OUT WAR broke out.", "A WAR broke out.", "capitals kept"),
        ("He was a so-called expert.", "He was an expert.", "an omitted word: the next word decides"),
        ("The report called him an extremist.", "The report called him a militant.", "an -> a before a noun"),
        ("It was the coup d'etat that won.", "It was the ouster that won.", "other determiners unchanged"),
    ],
)
def test_rewrite_a_an_agreement(engine, text, expected, reason):
    rewrites = neutral_rewrites(engine.annotate(text))
    assert [r.rewritten for r in rewrites] == [expected], reason
