"""Golden cases per detector: each case says what must (or must not) be flagged, and why."""

import pytest

from tests.conftest import spans_of


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        (
            "The army struck “military infrastructure” in the city.",
            ["military infrastructure"],
            "short quoted phrase attributed to nobody",
        ),
        (
            "Officials claimed they had hit “military targets” only.",
            ["military targets"],
            "attributed with a doubt-casting verb",
        ),
        ("The so-called “referendum” was held on Sunday.", ["referendum"], "preceded by so-called"),
        ('Senate Republicans unveiled their "relief" package.', ["relief"], "policy name in scare quotes"),
        ("“We will rebuild the city,” the mayor said.", [], "a full quoted sentence is reported speech"),
        ("The ministry said the talks had “noted progress” on reform.", [], "attributed partial quote"),
        ("He starred in “Orange Is the New Black” last year.", [], "a title, not a scare quote"),
        ("“I am here.” That was all.", [], "full sentence quote"),
    ],
)
def test_detectors_scare_quote(engine, text, expected, reason):
    assert spans_of(engine.annotate(text), "scare_quote") == expected, reason


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        (
            "A source close to the administration said the plan was dead.",
            ["A source close to the administration"],
            "classic unnamed source with its placing phrase",
        ),
        (
            "The RT source in the Servant of the People party also believes it.",
            ["The RT source in the Servant of the People party"],
            "source phrase extends over the party name",
        ),
        ("Experts believe the decision was rushed.", ["Experts believe"], "vague group of experts"),
        ("However, as analysts state, the army is weak.", ["as analysts state"], "'as analysts state'"),
        ("Observers note that turnout was low.", ["Observers note"], "vague observers"),
        (
            "Sources familiar with the matter said talks stalled.",
            ["Sources familiar with the matter"],
            "sources familiar with the matter",
        ),
        ("He spoke on condition of anonymity.", ["on condition of anonymity"], "anonymity granted"),
        ("It is widely believed that the vote was rigged.", ["It is widely believed"], "impersonal belief"),
        ("Some say the mayor should resign.", ["Some say"], "some say"),
        ("Tourism is a major source of income for the town.", [], "'source of income' is not a person"),
        ("Maria Lopez, the city's budget director, said costs rose.", [], "a named source"),
        ("The open source software was released.", [], "open source is not a source of information"),
    ],
)
def test_detectors_anonymous_source(engine, text, expected, reason):
    assert spans_of(engine.annotate(text), "anonymous_source") == expected, reason


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("The mayor reportedly resigned.", ["reportedly"], "unsourced report"),
        ("He allegedly took bribes.", ["allegedly"], "unproven claim"),
        ("The minister claimed the talks had failed.", ["claimed"], "'claimed' instead of 'said'"),
        ("The deal will probably pass.", ["probably"], "unattributed estimate"),
        ("The insurance claims rose by 5 percent.", [], "the noun 'claims' is not a hedge"),
        ("The minister said the talks had failed.", [], "plain 'said' is neutral"),
        ("The report was published on Monday.", [], "'report' is not 'reportedly'"),
    ],
)
def test_detectors_hedge(engine, text, expected, reason):
    assert spans_of(engine.annotate(text), "hedge") == expected, reason


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("A coup d'etat in 2014 changed the country.", ["coup d'etat"], "delegitimizing label"),
        ("Officials in Kiev met on Monday.", ["Kiev"], "naming choice"),
        ("It was a warm day in Kyiv.", [], "neutral words and the Ukrainian spelling"),
    ],
)
def test_detectors_lexicon(engine, text, expected, reason):
    assert spans_of(engine.annotate(text), "lexicon") == expected, reason


def test_detectors_every_annotation_explained(engine):
    doc = engine.annotate(
        "Experts believe the so-called “referendum” was a provocation by the Kiev regime, reportedly."
    )
    assert {a.detector for a in doc.annotations} >= {"lexicon", "scare_quote", "anonymous_source", "hedge"}
    for a in doc.annotations:
        assert a.explanation.strip()
        assert 0.0 <= a.score <= 1.0
        assert a.voice in ("author", "quote", "reported")


def test_detectors_registry_rejects_unknown_id():
    from annotator import Annotator

    with pytest.raises(ValueError, match="unknown detector"):
        Annotator(detectors=["lexicon", "nope"], model=None)
