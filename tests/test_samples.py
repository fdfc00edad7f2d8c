"""The bundled sample articles: what each must and must not flag (samples/*.expected.json)."""

import json

import pytest

from tests.conftest import SAMPLES

CASES = sorted(SAMPLES.glob("*.expected.json"))


def _occurrences(text, needle):
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


@pytest.mark.parametrize("expected_file", CASES, ids=lambda p: p.name.split(".")[0])
def test_samples_expected_annotations(engine, expected_file):
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    text = expected_file.with_name(expected_file.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
    doc = engine.annotate(text)
    for item in expected["must_flag"]:
        hits = [
            a
            for a in doc.annotations
            if a.detector == item["detector"]
            and any(a.span.start < e and s < a.span.end for s, e in _occurrences(text, item["text"]))
        ]
        assert hits, f"{item['text']!r} should be flagged by {item['detector']}: {item['reason']}"
    for item in expected["must_not_flag"]:
        for s, e in _occurrences(text, item["text"]):
            inside = [doc.evidence(a.span) for a in doc.annotations if s <= a.span.start and a.span.end <= e]
            assert not inside, f"{item['text']!r} must not be flagged ({item['reason']}); got {inside}"


def test_samples_neutral_control_is_clean(engine):
    text = (SAMPLES / "council_budget_neutral.txt").read_text(encoding="utf-8")
    doc = engine.annotate(text)
    assert [doc.evidence(a.span) for a in doc.annotations] == []


def test_samples_there_are_at_least_four_articles():
    assert len(CASES) >= 4
