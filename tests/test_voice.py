import pytest

from annotator.segment import segment
from annotator.voice import assign_voices, find_quotes


def quoted(text):
    return [text[q.inner.start : q.inner.end] for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ('He said "we will win" today.', ["we will win"], "straight quotes"),
        ("He said “we will win” today.", ["we will win"], "curly quotes"),
        ("Il a dit «nous gagnerons» hier.", ["nous gagnerons"], "guillemets"),
        ("She called it ‘a farce’ and left.", ["a farce"], "single curly quotes"),
        ("It’s the mayor’s plan.", [], "apostrophes are not quotes"),
        ("“First part.\n\nSecond part,” she said.", ["First part.\n\nSecond part,"], "quote over two paragraphs"),
        ('“Mixed marks," he said.', ["Mixed marks,"], "curly opening closed by a straight mark"),
        (
            "An “unclosed quote runs on.\n\nNext paragraph.",
            ["unclosed quote runs on."],
            "an unclosed quote ends with its paragraph",
        ),
    ],
)
def test_voice_finds_quotes(text, expected, reason):
    assert quoted(text) == expected, reason


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We are ready,” Okhrimenko said.", "Okhrimenko said"),
        ("“We are ready,” said the minister.", "said the minister"),
        ("“We are ready, ”the minister added.", "the minister added"),
        ("The minister said: “We are ready.”", "said:"),
        ("According to her, “we are ready.”", "According to her,"),
    ],
)
def test_voice_finds_attribution(text, speaker):
    (quote,) = find_quotes(text)
    assert quote.attribution is not None
    assert speaker in text[quote.attribution.start : quote.attribution.end]


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        ("The government raised taxes on Monday.", "author"),
        ("Analysts say the plan will fail.", "reported"),
        ("According to the ministry, the plan will fail.", "reported"),
        ("However, as analysts state, the army is weak.", "reported"),
        ("“The plan will fail,” he said.", "quote"),
    ],
)
def test_voice_sentence_voice(text, voice):
    sentences = assign_voices(text, segment(text), find_quotes(text))
    assert sentences[0].voice == voice


def test_voice_annotation_inside_quote_is_quote(engine):
    doc = engine.annotate("“They spread Russophobia,” the minister said. Critics rejected Russophobia claims.")
    voices = [(doc.evidence(a.span), a.voice) for a in doc.annotations if a.detector == "lexicon"]
    assert voices[0] == ("Russophobia", "quote")
    assert voices[1][1] != "quote"


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        (
            'A stray " mark.\n\nLater he said "yes" twice.',
            ["mark.", "yes"],
            "a stray straight mark ends with its paragraph and does not pair with a quote paragraphs later",
        ),
        (
            '"First paragraph.\n\n"Second paragraph," she said.',
            ['First paragraph.\n\n"Second paragraph,'],
            "newswire convention: a continued paragraph reopens with a mark",
        ),
    ],
)
def test_voice_straight_quotes_across_paragraphs(text, expected, reason):
    assert quoted(text) == expected, reason
