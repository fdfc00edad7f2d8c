"""Whose words: a writer's sentence that opens with a subordinate clause, report-verb forms used as nouns,
and quotation marks that mention a word or show data (not scare quotes)."""

from __future__ import annotations

import pytest

from annotator.detectors.scare_quotes import mentioned_or_data
from annotator.segment import segment
from annotator.voice import assign_voices, find_quotes, main_clause_start
from tests.conftest import spans_of

COLLUSION = (
    "While the establishment continues to push the notion that the campaign worked with Moscow, more proof of "
    "real “collusion” between the other campaign and foreign agents has been uncovered."
)


@pytest.mark.parametrize(
    ("text", "voice", "reason"),
    [
        (COLLUSION, "author", "the report cue is inside the opening subordinate clause"),
        ("Clinton's comments were clearly racist.", "author", "'comments' after a possessive is a noun"),
        ("Her claims were false, and the court said so.", "reported", "the court said"),
        ("Their remarks were rude.", "author", "a noun after 'their'"),
        ("While critics say the plan is weak, the minister said it will pass.", "reported", "main clause reports"),
        ("After officials said the bridge was safe, it collapsed.", "author", "cue only in the opening clause"),
        ("When he said it, nobody laughed.", "author", "temporal clause"),
        ("As Reuters reported, the talks failed.", "reported", "'as X reported' attributes the main clause"),
        ("Analysts say the plan will fail.", "reported", "plain reported speech is unchanged"),
        ("The minister comments on the plan every week.", "reported", "a verb after a noun subject"),
    ],
)
def test_voice_rules_sentence_voice(text, voice, reason):
    sentences = assign_voices(text, segment(text), find_quotes(text))
    assert sentences[0].voice == voice, reason


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("While critics say X, the plan passed.", len("While critics say X,")),
        ("While it rained, critics said so.", 0),  # no cue before the first comma: nothing to strip
        ("Critics say X, and the plan passed.", 0),
        ("Although, as they said, it failed, we won.", len("Although, as they said,")),
    ],
)
def test_voice_rules_main_clause_start(sentence, expected):
    assert main_clause_start(sentence) == expected


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("The form shows the number “2” next to the word “Guests” in the box.", [], "data and a word as a word"),
        ("The file was numbered “32135” in the archive.", [], "a number in quotation marks is data"),
        ("The term “regime change” appears twice in the memo.", [], "a phrase mentioned as a phrase"),
        ("The price rose to “$5.20” overnight.", [], "a price"),
        (COLLUSION, ["collusion"], "the writer's own scare quote after a subordinate clause"),
        ("While critics claim the vote was fair, the “referendum” was a farce.", ["referendum"], "main clause"),
        ("The army struck “military infrastructure” in the city.", ["military infrastructure"], "still flagged"),
        ("The ministry said the talks had “noted progress” on reform.", [], "still attributed"),
    ],
)
def test_voice_rules_scare_quotes(engine, text, expected, reason):
    assert spans_of(engine.annotate(text), "scare_quote") == expected, reason


@pytest.mark.parametrize(
    ("before", "inner", "expected"),
    [
        ("next to the word ", "Guests", True),
        ("the hashtag ", "#MeToo", True),
        ("the number ", "2", True),
        ("it was called ", "2:1", True),
        ("the army struck ", "military targets", False),
        ("the Words of ", "Love", False),
    ],
)
def test_voice_rules_mentioned_or_data(before, inner, expected):
    assert mentioned_or_data(before, 0, len(before), inner) is expected
