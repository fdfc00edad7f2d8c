import pytest

from annotator.segment import segment


def units(text):
    return [(s.kind, text[s.span.start : s.span.end]) for s in segment(text)]


def prose(text):
    return [t for k, t in units(text) if k == "prose"]


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."], "titles"),
        ("The U.S. Army left. The U.K. stayed.", ["The U.S. Army left.", "The U.K. stayed."], "U.S./U.K."),
        (
            "Gen. Ortiz arrived on Jan. 5 at 9 a.m. and left.",
            ["Gen. Ortiz arrived on Jan. 5 at 9 a.m. and left."],
            "rank, month and a.m.",
        ),
        ("Prices rose 1,200.5 percent. Then fell.", ["Prices rose 1,200.5 percent.", "Then fell."], "decimal number"),
        ("Item No. 5 was sold. Bids closed.", ["Item No. 5 was sold.", "Bids closed."], "No. before a number"),
        ("“We will win.” She left.", ["“We will win.”", "She left."], "curly closing quote stays with its sentence"),
        ('"We will win." She left.', ['"We will win."', "She left."], "straight closing quote"),
        ("He paused... Then he spoke.", ["He paused...", "Then he spoke."], "three-dot ellipsis"),
        ("It was late — very late. Nobody came.", ["It was late — very late.", "Nobody came."], "em dash"),
        (
            "He lives in the U.S. The weather is mild.",
            ["He lives in the U.S.", "The weather is mild."],
            "abbreviation that ends a sentence before a common starter",
        ),
        ("«Non», a-t-il dit. Fin.", ["«Non», a-t-il dit.", "Fin."], "guillemets"),
    ],
)
def test_segment_sentences(text, expected, reason):
    assert prose(text) == expected, reason


@pytest.mark.parametrize(
    ("line", "kind", "reason"),
    [
        ("  • RIA News", "credit", "bulleted agency credit"),
        ("  • © Mikhail Palinchak", "credit", "bulleted photo credit"),
        ("© Jane Doe / Example Agency", "credit", "credit line without bullet"),
        ("Photo: Jane Doe", "credit", "photo credit"),
        ("  • Military personnel during the Rapid Trident 2020 exercise", "caption", "bulleted caption"),
        ("Thirty years later", "heading", "short line without final punctuation"),
        ("## Who really benefits", "heading", "markdown heading"),
    ],
)
def test_segment_non_prose_units(line, kind, reason):
    text = f"The first sentence is here.\n\n{line}\n\nThe last sentence is here."
    kinds = units(text)
    assert kinds[0] == ("prose", "The first sentence is here.")
    assert kinds[1][0] == kind, reason
    assert kinds[-1] == ("prose", "The last sentence is here.")


def test_segment_dateline_is_its_own_unit():
    text = "KYIV, June 3 (Reuters) — The parliament voted on Tuesday. It passed."
    assert units(text) == [
        ("dateline", "KYIV, June 3 (Reuters)"),
        ("prose", "The parliament voted on Tuesday."),
        ("prose", "It passed."),
    ]


def test_segment_hard_wrapped_lines_join_into_one_sentence():
    text = (
        "The committee said on Tuesday that the new rules would apply to every member\n"
        "state from next year, and that exceptions would be rare.\n"
    )
    assert len(prose(text)) == 1


def test_segment_offsets_point_into_text_and_are_ordered():
    text = "Title line\n\n  • © Someone\n\nA sentence. Another one!\r\n\nLast?"
    previous_end = 0
    for s in segment(text):
        assert 0 <= previous_end <= s.span.start < s.span.end <= len(text)
        assert text[s.span.start : s.span.end] == text[s.span.start : s.span.end].strip()
        previous_end = s.span.end


@pytest.mark.parametrize("text", ["#\t", "# ", "## \t", "#  \n\nText here.", "  •  \n"])
def test_segment_empty_heading_or_bullet_mark_gives_no_unit(text):
    """A Markdown heading mark or a bullet with no text after it (found by the hypothesis test) is skipped."""
    for unit in segment(text):
        assert 0 <= unit.span.start < unit.span.end <= len(text)
        assert text[unit.span.start : unit.span.end].strip()
