"""``Annotator.pipe`` / ``annotate_batch``: many texts, one classifier call per batch, same results as annotate."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import Annotator, InputError

PIECES = st.sampled_from(
    [
        "The regime's shocking provocation outraged everyone. ",
        "“The plan is a disgrace,” she said. ",
        'Officials said the "referendum" was a sham. ',
        "A source close to the administration said it would reportedly fail.\n\n",
        "PHOTO: Reuters\n",
        "# Heading\n",
        "The council met on Tuesday. ",
        "so-called ",
        "illegal aliens ",
        "'",
        '"',
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), min_size=1, max_size=25).map("".join)


@pytest.fixture(scope="module")
def full():
    return Annotator()


def _without_timings(doc) -> dict:
    data = doc.to_dict()
    data["meta"] = {k: v for k, v in data["meta"].items() if k != "timings_ms"}
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEXT.filter(str.strip), min_size=1, max_size=6), st.integers(min_value=1, max_value=4))
def test_pipe_equals_annotate_per_text(full, texts, batch_size):
    piped = [_without_timings(d) for d in full.pipe(texts, batch_size=batch_size)]
    assert piped == [_without_timings(full.annotate(t)) for t in texts]


def test_pipe_is_lazy_and_keeps_order(engine):
    texts = (f"Text number {i} mentions the Kiev regime." for i in range(5))
    stream = engine.pipe(texts, batch_size=2)
    first = next(stream)
    assert first.text.startswith("Text number 0")
    assert [d.text[12] for d in stream] == ["1", "2", "3", "4"]


def test_pipe_timings_cover_every_stage(full):
    docs = list(full.pipe(["One loaded regime sentence.", "Another shocking one. And a third."]))
    assert all(set(d.meta["timings_ms"]) == {"segment_ms", "detect_ms", "classify_ms"} for d in docs)


@pytest.mark.parametrize(
    ("texts", "reason"),
    [
        (["Fine text.", "   ", "More text."], "an empty text in the middle"),
        (["Fine text.", 42, "More text."], "not a string"),
    ],
)
def test_pipe_annotate_batch_returns_errors_in_place(engine, texts, reason):
    results = engine.annotate_batch(texts, errors="return")
    assert [type(r).__name__ for r in results] == ["Document", "InputError", "Document"], reason
    with pytest.raises(InputError):
        list(engine.pipe(texts))


@pytest.mark.parametrize(("kwargs", "error"), [({"batch_size": 0}, ValueError)])
def test_pipe_rejects_bad_arguments(engine, kwargs, error):
    with pytest.raises(error):
        list(engine.pipe(["text"], **kwargs))


def test_pipe_bad_errors_mode(engine):
    with pytest.raises(ValueError, match="errors"):
        engine.annotate_batch(["text"], errors="ignore")
