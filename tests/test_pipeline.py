"""The whole pipeline with the bundled classifier: sentence scores, explanations, meta and summary."""

import pytest

from annotator import Annotator, InputError
from annotator.summary import summarize


@pytest.fixture(scope="module")
def full():
    return Annotator()


def test_pipeline_scores_prose_only(full, ukraine_text):
    doc = full.annotate(ukraine_text)
    prose = [s for s in doc.sentences if s.kind == "prose"]
    other = [s for s in doc.sentences if s.kind != "prose"]
    assert prose and other
    assert all(s.bias is not None and 0.0 <= s.bias <= 1.0 for s in prose)
    assert all(s.top_terms for s in prose)
    assert all(s.bias is None and s.top_terms == () for s in other)


def test_pipeline_meta_names_the_model(full):
    doc = full.annotate("The regime's shocking provocation outraged everyone.")
    model = doc.meta["model"]
    assert model["model_id"] and model["test_macro_f1"] > 0.7
    assert doc.meta["lexicon_version"]
    assert set(doc.meta["timings_ms"]) == {"segment_ms", "detect_ms", "classify_ms"}


def test_pipeline_summary_by_voice(full):
    doc = full.annotate(
        "The radical mob destroyed the shameful plan. “The plan is a disgrace,” she said. The council met on Tuesday."
    )
    summary = summarize(doc)
    assert summary.scored_sentences == 3
    assert summary.by_voice["quote"]["sentences"] == 1
    assert summary.by_voice["author"]["sentences"] == 2
    assert 0.0 <= summary.biased_share <= 1.0


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * 1_000_001])
def test_pipeline_rejects_unusable_text(full, bad):
    with pytest.raises(InputError):
        full.annotate(bad)


def test_pipeline_loaded_sentence_scores_higher_than_neutral(full):
    doc = full.annotate(
        "The council approved the budget on Tuesday by a vote of seven to two. "
        "The disgraceful, radical scheme is a shameless handout to corrupt elites."
    )
    neutral, loaded = (s.bias for s in doc.sentences)
    assert loaded > neutral
