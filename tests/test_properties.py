"""Property tests: annotate never raises on odd input and its spans are always consistent."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.pipeline import InputError

PIECES = st.sampled_from(
    [
        "coup d'etat",
        "Russophobia",
        "“",
        "”",
        '"',
        "«",
        "»",
        "‘",
        "’",
        "so-called",
        "Experts believe",
        "U.S.",
        "Dr.",
        "…",
        "...",
        "—",
        "\n",
        "\n\n",
        "  • ",
        "© ",
        "reportedly",
        " ",
        ".",
        "?",
        "!",
        "Kiev",
        "1,200.5",
        "a source close to the",
        "é",
        "\u200b",
        "\t",
        "#",
        "-",
        "'s",
    ]
)
TEXTS = st.one_of(st.text(max_size=400), st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXTS)
def test_properties_annotate_is_consistent(engine, text):
    try:
        doc = engine.annotate(text)
    except InputError:
        assert not text.strip()
        return
    n = len(text)
    keys = []
    previous_end = 0
    for s in doc.sentences:
        assert previous_end <= s.span.start < s.span.end <= n
        previous_end = s.span.end
    for a in doc.annotations:
        assert 0 <= a.span.start < a.span.end <= n
        assert 0.0 <= a.score <= 1.0
        sentence = doc.sentence_of(a.span)
        assert sentence is not None and sentence.span.contains(a.span), (a, sentence)
        keys.append(a.sort_key())
    assert keys == sorted(keys)
    spans = [(a.span.start, a.span.end) for a in doc.annotations]
    assert len(spans) == len(set(spans))
