from pathlib import Path

import pytest

from annotator.lexicon import Lexicon, LexiconError, load_categories, load_entries
from annotator.lexicon.loader import DEFAULT_LEXICON

HEADER = "term,variants,category,severity,explanation,alternatives,note\n"
MINI = Path(__file__).parent / "data" / "mini_lexicon.csv"


@pytest.fixture(scope="module")
def mini():
    return Lexicon.load(base=None, extra=[MINI])


def write(tmp_path, body, header=HEADER):
    path = tmp_path / "lex.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message", "reason"),
    [
        (
            "junta,,delegitimizing_label,high,,military government,\n",
            "row 2 (junta): empty explanation",
            "explanation is required",
        ),
        ("junta,,villainy,high,Why.,x,\n", "unknown category 'villainy'", "category must be known"),
        ("junta,,emotional,extreme,Why.,x,\n", "severity 'extreme'", "severity must be low/medium/high"),
        (
            "junta,,emotional,high,Why.,x,\nJuntas,,emotional,low,Why.,x,\n",
            "row 3 (Juntas): 'Juntas' duplicates",
            "a plural of an existing term is a duplicate",
        ),
        (
            "coup d'etat,,emotional,high,Why.,x,\nCoup d’État,,emotional,low,Why.,x,\n",
            "duplicates a term",
            "accent and apostrophe variants are duplicates",
        ),
        (
            "junta,,emotional,high,Why, really.,x,extra,more\n",
            "row 2 (junta): more fields than columns",
            "unquoted commas shift the columns",
        ),
    ],
)
def test_lexicon_invalid_rows_name_row_and_problem(tmp_path, body, message, reason):
    with pytest.raises(LexiconError) as info:
        load_entries(write(tmp_path, body))
    assert message in str(info.value), reason


def test_lexicon_missing_column_is_reported(tmp_path):
    with pytest.raises(LexiconError, match="missing column"):
        load_entries(write(tmp_path, "junta,high\n", header="term,severity\n"))


def test_lexicon_missing_file_is_reported(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_entries(tmp_path / "nope.csv")


def test_lexicon_not_utf8_is_reported(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_bytes(HEADER.encode() + b"caf\xe9,,emotional,low,Why.,x,\n")
    with pytest.raises(LexiconError, match="not UTF-8"):
        load_entries(path)


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("A coup d'etat followed.", ["coup d'etat"], "plain form"),
        ("A coup d'état followed.", ["coup d'état"], "accented form"),
        ("Two coups d'état followed.", ["coups d'état"], "plural of a multi-word term"),
        ("A coup-d'etat followed.", ["coup-d'etat"], "hyphen instead of space"),
        ("A Coup D’Etat followed.", ["Coup D’Etat"], "case and curly apostrophe"),
        ("Russophobic and Russophobia.", ["Russophobic", "Russophobia"], "listed variant and term"),
        ("More provocations came.", ["provocations"], "plural"),
        ("It was warm in the warehouse.", [], "no match inside longer words"),
        ("The wars ended.", ["wars"], "plural of a single word"),
        ("Kiev’s mayor spoke.", ["Kiev’s"], "possessive with curly apostrophe"),
    ],
)
def test_lexicon_matching(mini, text, expected, reason):
    assert [text[m.start : m.end] for m in mini.match(text)] == expected, reason


def test_lexicon_longest_match_wins(tmp_path):
    path = write(
        tmp_path,
        "regime,,delegitimizing_label,medium,Why.,government,\n"
        "Kiev regime,,delegitimizing_label,high,Why.,Ukrainian government,\n",
    )
    lex = Lexicon.load(base=None, extra=[path])
    matches = lex.match("The Kiev regime and the regime.")
    assert [(m.entry.term, m.start) for m in matches] == [("Kiev regime", 4), ("regime", 24)]


def test_lexicon_user_file_overrides_bundled_entry(tmp_path):
    path = write(tmp_path, "Kiev,,naming_choice,high,Our newsroom style.,Kyiv,\n")
    lex = Lexicon.load(base=MINI, extra=[path])
    (match,) = lex.match("In Kiev today.")
    assert match.entry.explanation == "Our newsroom style."


def test_lexicon_bundled_is_large_and_varied():
    entries = load_entries(DEFAULT_LEXICON)
    categories = {e.category for e in entries}
    assert len(entries) >= 400
    assert len(categories) >= 8
    assert categories <= set(load_categories())
    assert all(e.explanation.strip() for e in entries)


@pytest.mark.parametrize(
    ("term", "category"),
    [("coup d'etat", "delegitimizing_label"), ("Russophobia", "delegitimizing_label"), ("Kiev", "naming_choice")],
)
def test_lexicon_bundled_has_key_terms(term, category):
    lex = Lexicon.load()
    (match,) = lex.match(term)
    assert match.entry.category == category
    if category == "naming_choice":
        assert match.entry.severity == "low"
        assert "Kyiv" in match.entry.alternatives


# ---- one tolerant validator -------------------------------------------------------------------------------


def test_lexicon_validate_rows_keeps_good_rows_and_reports_each_bad_one():
    from annotator.lexicon import validate_rows

    rows = [
        {"term": "zoning grab", "category": "emotional", "severity": "medium", "explanation": "Why."},
        {"term": "bulldozed", "category": "villainy", "severity": "high", "explanation": "Why."},
        {"term": "", "category": "", "severity": "", "explanation": ""},  # blank rows are skipped
        {"term": "NIMBY", "category": "emotional", "severity": "extreme", "explanation": ""},
        {"term": "zoning grabs", "category": "emotional", "severity": "low", "explanation": "Plural duplicate."},
        {"term": "slumlord", "category": "emotional", "severity": "high", "explanation": "Why.", "enabled": "no"},
    ]
    entries, errors = validate_rows(rows, first_row=1)
    assert [e.term for e in entries] == ["zoning grab"]
    assert [(e.row, e.term) for e in errors] == [(2, "bulldozed"), (4, "NIMBY"), (5, "zoning grabs")]
    assert "unknown category 'villainy'" in errors[0].problems[0]
    assert errors[1].problems == ("empty explanation", "severity 'extreme' is not one of low, medium, high")
    assert "duplicates a term or variant of row 1" in str(errors[2])


@pytest.mark.parametrize(
    ("value", "active", "reason"),
    [("", True, "empty means enabled"), ("true", True, "true"), ("FALSE", False, "false, any case"), ("0", False, "0")],
)
def test_lexicon_enabled_column(tmp_path, value, active, reason):
    path = write(tmp_path, f"junta,,emotional,high,Why.,x,,,{value}\n", header=HEADER.strip() + ",match,enabled\n")
    if active:
        assert [e.term for e in load_entries(path)] == ["junta"], reason
    else:
        with pytest.raises(LexiconError, match="no entries"):  # the only row is switched off
            load_entries(path)


def test_lexicon_enabled_column_rejects_other_values(tmp_path):
    path = write(tmp_path, "junta,,emotional,high,Why.,x,,,maybe\n", header=HEADER.strip() + ",match,enabled\n")
    with pytest.raises(LexiconError, match="enabled 'maybe' is not one of true, false"):
        load_entries(path)


def test_lexicon_write_rows_round_trips(tmp_path):
    from annotator.lexicon import write_rows
    from annotator.lexicon.loader import entry_row

    entries = load_entries(MINI)
    path = tmp_path / "out.csv"
    path.write_bytes(write_rows([entry_row(e) for e in entries]))
    again = load_entries(path)
    assert [(e.term, e.variants, e.alternatives, e.match) for e in again] == [
        (e.term, e.variants, e.alternatives, e.match) for e in entries
    ]


def test_lexicon_sample_custom_lexicon_is_valid_and_beat_specific():
    from tests.conftest import SAMPLES

    entries = load_entries(SAMPLES / "custom_lexicon_example.csv")
    assert len(entries) >= 8
    lex = Lexicon.load(extra=[SAMPLES / "custom_lexicon_example.csv"])
    found = [m.entry.term for m in lex.match("Neighbours called them NIMBYs fighting a zoning grab for luxury condos.")]
    assert found == ["NIMBY", "zoning grab", "luxury condos"]


LITERAL_HEADER = "term,variants,category,severity,explanation,alternatives,note,match,literal_context\n"


def test_lexicon_literal_context_skips_literal_uses(tmp_path):
    path = write(
        tmp_path, "destroyed,destroys,hyperbole,low,Why.,rebutted,,,fire|building|storm\n", header=LITERAL_HEADER
    )
    lex = Lexicon.load(base=None, extra=[path])
    found = lambda text: [text[m.start : m.end] for m in lex.match(text)]  # noqa: E731
    assert found("The fire destroyed the barn.") == [], "a context word just before"
    assert found("It destroys old buildings in minutes.") == [], "an inflected context word after (stemmed)"
    assert found("She destroyed his argument in the debate.") == ["destroyed"], "no context word: flagged"
    far = "Storm clouds gathered as the senator, speaking late on a quiet evening, destroyed his rival."
    assert found(far) == ["destroyed"], "a context word more than 8 words away does not count"


def test_lexicon_literal_context_must_be_single_words(tmp_path):
    path = write(tmp_path, "destroyed,,hyperbole,low,Why.,rebutted,,,house fire\n", header=LITERAL_HEADER)
    with pytest.raises(LexiconError, match="literal_context 'house fire' is not one word"):
        load_entries(path)


def test_lexicon_literal_context_round_trips(tmp_path):
    from annotator.lexicon import write_rows
    from annotator.lexicon.loader import entry_row

    (entry,) = [e for e in load_entries(DEFAULT_LEXICON) if e.term == "invasion"]
    assert "troops" in entry.literal_context
    path = tmp_path / "out.csv"
    path.write_bytes(write_rows([entry_row(entry)]))
    assert load_entries(path)[0].literal_context == entry.literal_context


@pytest.mark.parametrize(
    ("text", "flagged", "reason"),
    [
        ("The fire destroyed three buildings on Main Street.", [], "physical destruction"),
        ("The senator destroyed his rival in the debate.", ["destroyed"], "a debate 'knockout'"),
        ("Troops massed on the border before the invasion.", [], "a military invasion is literal"),
        ("Residents describe the new arrivals as an invasion.", ["invasion"], "migrants as an enemy army"),
        ("The storm devastated the coastal town.", [], "a natural disaster"),
        ("He slashed the tyres of the car.", [], "a cut with a blade"),
        ("The company slashed prices by 20 percent.", ["slashed"], "a price cut dramatised"),
    ],
)
def test_lexicon_bundled_literal_uses(text, flagged, reason):
    lex = Lexicon.load()
    assert [text[m.start : m.end] for m in lex.match(text)] == flagged, reason


# ---- one validator for the command line and the app's upload (issue 11) -----------------------------------

GOOD_ROW = "junta,,emotional,high,Why.,x,\n"
# name -> (file body after the header, phrase of the report, reason)
BROKEN_FILES = {
    "too many fields": (
        GOOD_ROW + "regime,,emotional,high,Why, really.,x,extra,more\n",
        "row 3 (regime): more fields than columns",
        "the app once shifted the extra fields into other columns",
    ),
    "enabled maybe": (
        GOOD_ROW + "regime,,emotional,high,Why.,x,,maybe\n",
        "row 3 (regime): enabled 'maybe' is not one of true, false",
        "the app once read any unknown value as enabled",
    ),
    "unclosed quote": (
        GOOD_ROW + 'regime,,emotional,high,"Why.,x,\nthugs,,emotional,high,Why.,x,\nmob,,emotional,high,Why.,x,\n',
        "row 3 (regime): explanation runs over several lines from line 3 to line 5 (an unclosed quote?)",
        "the quote swallowed the rest of the file silently",
    ),
    "NUL in a term": (
        GOOD_ROW + "reg\x00ime,,emotional,high,Why.,x,\n",
        "row 3 (reg\x00ime): a NUL character in term",
        "a NUL was accepted into a term",
    ),
}
HEADER_WITH_ENABLED = "term,variants,category,severity,explanation,alternatives,note,enabled\n"


@pytest.mark.parametrize("case", sorted(BROKEN_FILES))
def test_lexicon_broken_rows_are_reported_by_the_cli_loader(tmp_path, case):
    body, phrase, reason = BROKEN_FILES[case]
    with pytest.raises(LexiconError) as info:
        load_entries(write(tmp_path, body, header=HEADER_WITH_ENABLED))
    assert phrase in str(info.value), reason


@pytest.mark.parametrize("case", sorted(BROKEN_FILES))
def test_lexicon_broken_rows_are_reported_by_the_upload_reader(case):
    from annotator.lexicon.loader import read_upload

    body, phrase, reason = BROKEN_FILES[case]
    rows, unreadable = read_upload((HEADER_WITH_ENABLED + body).encode(), "upload.csv")
    assert [r["term"] for r in rows] == ["junta"], "the good row is kept, the broken one is not in the table"
    assert phrase in "\n".join(str(e) for e in unreadable), reason


def test_lexicon_duplicated_header_is_reported(tmp_path):
    header = "term,category,severity,explanation,term\n"
    with pytest.raises(LexiconError, match=r"column\(s\) term appear more than once in the header \(row 1\)"):
        load_entries(write(tmp_path, "junta,emotional,high,Why.,regime\n", header=header))


def test_lexicon_neutralised_cells_are_read_back_as_written(tmp_path):
    (entry,) = load_entries(write(tmp_path, "junta,,emotional,high,'-Why it matters.,'=x|y,\n"))
    assert entry.explanation == "-Why it matters." and entry.alternatives == ("=x", "y")
