"""The loaded-word detector: training on a small set, exact collapsed scores, flags in context, explanations,
the shipped model's file and numbers, and how it works with the curated lexicon."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from annotator import Annotator
from annotator.document import Document
from annotator.model.word_data import MarkedSentences, token_labels
from annotator.model.word_features import FeatureLayout, WordResources, token_blocks
from annotator.model.word_training import build_tables, fit_word_model, predict_tokens, save_tables
from annotator.model.words import MODEL_FILE, LoadedWordModel, WordModelError
from tests.conftest import SHARED

WORDS = ["senators", "governors", "critics", "slammed", "the", "plan", "bill", "door", "gate", "shut", "closed",
         "wind", "quickly", "loudly", "today"]


@pytest.fixture(scope="module")
def tiny():
    """A model trained in a second on made-up sentences: "slammed" is marked when people slam a plan or a
    bill, never when a door or gate slams shut (the literal use)."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 8)).astype(np.float32)
    resources = WordResources({w: i for i, w in enumerate(WORDS)}, vectors, {"function_word": frozenset({"the"})}, {})
    texts, marks = [], []
    for who in ("Senators", "Governors", "Critics"):
        for what in ("plan", "bill"):
            for tail in ("today", "loudly", "quickly"):
                texts.append(f"{who} slammed the {what} {tail}.")
                marks.append(frozenset({"slammed"}))
    for thing in ("door", "gate"):
        for tail in ("shut", "closed"):
            for extra in ("today", "loudly", "quickly"):
                texts += [f"The {thing} slammed {tail} {extra}.", f"The wind slammed the {thing} {tail} {extra}."]
                marks += [frozenset(), frozenset()]
    data = MarkedSentences(texts, marks, [None] * len(texts), [1] * len(texts), [str(i) for i in range(len(texts))])
    config = {"C": 10.0, "vector_weight": 1.0, "neighbour_ids": True, "neighbour_min_count": 1, "sentence": False}
    model, layout = fit_word_model(resources, data, config)
    arrays, info = build_tables(model, layout, resources, ["slammed"], 0.5)
    return LoadedWordModel(arrays, info), model, layout, resources, data


def test_words_tiny_model_flags_planted_word_in_context_not_literal_use(tiny):
    words, *_ = tiny
    loaded = {s.word: s.probability for s in words.score_tokens("Critics slammed the bill quickly.")}
    literal = {s.word: s.probability for s in words.score_tokens("The gate slammed shut loudly.")}
    assert loaded["slammed"] >= 0.5 > literal["slammed"]


def test_words_collapsed_tables_reproduce_the_regression_exactly(tiny):
    words, model, layout, resources, data = tiny
    texts = [*data.texts[:5], "Unknown words slammed 42 things.", "The door slammed."]
    expected, _ = predict_tokens(model, layout, resources, texts)
    got = [s.probability for t in texts for s in words.score_tokens(t)]
    assert np.allclose(got, expected, atol=1e-6)


def test_words_parts_add_up_to_the_probability(tiny):
    words, *_ = tiny
    for s in words.score_tokens("Critics slammed the door today."):
        assert s.probability == pytest.approx(1 / (1 + math.exp(-s.logit())), abs=1e-9)


def test_words_labels_mark_only_the_marked_words():
    _, tokens = token_blocks(["Critics slammed the slammed plan's cost."])
    assert token_labels(tokens, [frozenset({"slammed", "plan"})]) == [0, 1, 0, 1, 1, 0]


def test_words_feature_layout_slices_cover_the_matrix(tiny):
    _, _, layout, resources, data = tiny
    blocks, tokens = token_blocks(data.texts[:3])
    X = layout.matrix(resources, blocks, [[t.folded for t in ts] for ts in tokens])
    slices = layout.slices(resources.dim)
    assert max(s.stop for s in slices.values()) == X.shape[1]
    assert isinstance(layout, FeatureLayout)


# ---- the model file ----------------------------------------------------------------------------------------


def test_words_save_and_load_round_trip(tiny, tmp_path):
    words, model, layout, resources, _ = tiny
    arrays, info = build_tables(model, layout, resources, ["slammed"], 0.5)
    path = tmp_path / "words.npz"
    save_tables(path, arrays, info)
    loaded = LoadedWordModel.load(path)
    text = "Critics slammed the plan."
    assert [s.probability for s in loaded.score_tokens(text)] == pytest.approx(
        [s.probability for s in words.score_tokens(text)]
    )
    assert len(loaded.info["sha256"]) == 64


@pytest.mark.parametrize(
    "damage, reason",
    [
        ("missing", "no file"),
        ("garbage", "not an npz archive"),
        ("no_info", "an array is missing"),
        ("nan", "a non-finite weight"),
        ("format", "another format version"),
        ("shape", "a table of the wrong length"),
    ],
)
def test_words_bad_model_files_raise_one_clear_error(tiny, tmp_path, damage, reason):
    _, model, layout, resources, _ = tiny
    arrays, info = build_tables(model, layout, resources, ["slammed"], 0.5)
    path = tmp_path / "words.npz"
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage != "missing":
        if damage == "nan":
            arrays["own"] = arrays["own"].copy()
            arrays["own"][0] = np.nan
        if damage == "format":
            info = {**info, "format_version": 99}
        if damage == "shape":
            arrays["before"] = arrays["before"][:-1]
        save_tables(path, arrays, info)
        if damage == "no_info":
            with np.load(path) as data:
                kept = {k: data[k] for k in data.files if k != "tone"}
            np.savez(path, **kept)
    with pytest.raises(WordModelError) as exc:
        LoadedWordModel.load(path)
    assert "\n" not in str(exc.value), reason


def test_words_model_file_holds_no_pickle():
    with np.load(MODEL_FILE, allow_pickle=False) as data:  # raises if any array needed pickle
        assert all(data[k].dtype != object for k in data.files)


# ---- the shipped detector in the engine ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine_words():
    return Annotator(model=None)


def test_words_detector_flags_loaded_words_with_exact_offsets(engine_words):
    text = "The governor's reckless, shameful scheme enraged voters. The council met on Tuesday."
    doc = engine_words.annotate(text)
    flags = [a for a in doc.annotations if a.detector == "loaded_word"]
    assert flags, "the model should flag some of: reckless, shameful, scheme, enraged"
    for a in flags:
        assert doc.evidence(a.span).strip() == doc.evidence(a.span)
        assert a.category == "loaded_language"
        assert 0 < a.confidence <= 1 and a.score == a.confidence
        assert "Suggested by the model" in a.explanation
        assert a.alternatives_source in ("", "automatic")
    assert not any(a.span.start >= text.index("The council") for a in flags), "a bland sentence gets no flags"


def test_words_adjacent_flags_merge_into_one_phrase(engine_words):
    doc = engine_words.annotate("They called it a disgraceful, shameful betrayal of voters.")
    spans = [doc.evidence(a.span) for a in doc.annotations]
    for a, b in zip(doc.annotations, doc.annotations[1:], strict=False):
        assert a.span.end <= b.span.start, f"overlapping highlights: {spans}"


def test_words_lexicon_wins_where_both_fire_and_shows_model_confidence(engine_words):
    doc = engine_words.annotate("The senator said the disgraceful plan was a sham.")
    lexicon = [a for a in doc.annotations if a.detector == "lexicon"]
    assert lexicon and all(a.confidence is not None for a in lexicon)
    assert all(a.alternatives_source == "lexicon" for a in lexicon if a.alternatives)
    for a in doc.annotations:
        if a.detector == "loaded_word":
            assert not any(a.span.overlaps(b.span) for b in lexicon)


def test_words_explanation_names_similar_words_that_annotators_really_marked(engine_words):
    model = next(d for d in engine_words.detectors if d.id == "loaded_word").model
    marked = set(model._marked)
    for word in ("slammed", "reckless", "radical", "disastrous"):
        similar = model.similar_marked(word)
        assert set(similar) <= marked, (word, similar)


def test_words_automatic_alternatives_are_rated_neutral_by_the_model(engine_words):
    model = next(d for d in engine_words.detectors if d.id == "loaded_word").model
    for word in ("reckless", "slammed", "radical"):
        for alt in model.neutral_neighbours(word):
            assert alt[:4] != word[:4]
            (score,) = model.score_tokens(alt)
            assert score.probability < model.threshold, (word, alt)


def test_words_json_carries_confidence_and_alternatives_source(engine_words):
    doc = engine_words.annotate("Critics slammed the reckless plan.")
    data = doc.to_dict()
    assert data["schema_version"] == "1.1"
    assert all("confidence" in a and "alternatives_source" in a for a in data["annotations"])
    again = Document.from_dict(json.loads(json.dumps(data)))
    assert [a.confidence for a in again.annotations] == [a.confidence for a in doc.annotations]


def test_words_detector_can_be_left_out(engine_words):
    from annotator.detectors import DEFAULT_DETECTORS

    without = Annotator(model=None, detectors=[d for d in DEFAULT_DETECTORS if d != "loaded_word"])
    doc = without.annotate("Critics slammed the reckless plan.")
    assert all(a.detector != "loaded_word" for a in doc.annotations)
    assert all(a.confidence is None for a in doc.annotations)


# ---- numbers recorded in metrics.json (need ../shared/data) ------------------------------------------------


needs_data = pytest.mark.skipif(not (SHARED / "data" / "babe").is_dir(), reason="../shared/data is not available")


@needs_data
def test_words_shipped_marked_words_were_marked_in_training():
    from annotator.model.data import read_test_split
    from annotator.model.word_data import load_marked
    from annotator.model.word_training import marked_words

    model = LoadedWordModel.load()
    train, _ = load_marked(SHARED / "data", read_test_split(MODEL_FILE.parent / "test_split.txt"))
    assert model._marked == marked_words(train)


@needs_data
def test_words_shipped_babe_word_level_matches_metrics():
    from annotator.model.data import read_test_split
    from annotator.model.word_data import load_marked
    from annotator.model.word_eval import babe_word_level

    metrics = json.loads((MODEL_FILE.parent / "metrics.json").read_text(encoding="utf-8"))["loaded_word"]
    model = LoadedWordModel.load()
    _, test = load_marked(SHARED / "data", read_test_split(MODEL_FILE.parent / "test_split.txt"))
    got = babe_word_level(model, test.texts, test.expert, model.threshold)
    recorded = metrics["babe_test"]["model_tokens"]
    for key in ("precision", "recall", "f1", "roc_auc", "brier"):
        assert got[key] == pytest.approx(recorded[key], abs=1e-4), key
    assert metrics["model"]["sha256"] == model.info["sha256"]


@needs_data
@pytest.mark.slow
def test_words_shipped_basil_figures_match_metrics():
    from annotator.model.basil import load_basil
    from annotator.model.word_eval import annotator_flagger, basil_span_level

    metrics = json.loads((MODEL_FILE.parent / "metrics.json").read_text(encoding="utf-8"))["loaded_word"]
    articles = load_basil(SHARED / "data" / "basil")
    engine = Annotator(model=None, detectors=["lexicon", "loaded_word"])
    got = basil_span_level(articles, annotator_flagger(engine, {"lexicon", "loaded_word"}))
    recorded = metrics["basil"]["both"]
    for key in ("recall_lexical", "precision", "flags", "flags_per_1000_words"):
        assert got[key] == pytest.approx(recorded[key], abs=1e-4), key


@needs_data
def test_words_basil_loader_rebuilds_every_span():
    from annotator.model.basil import load_basil

    articles = load_basil(SHARED / "data" / "basil")
    assert len(articles) == 300
    assert sum(len(a.spans) for a in articles) == 1726
    assert sum(1 for a in articles for s in a.spans if s.bias == "lex") == 480
