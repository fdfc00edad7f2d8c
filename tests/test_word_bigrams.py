"""The loaded-word detector's optional bigram block and threshold objective: a pair of adjacent words as a
feature of both its words, collapsed into a pair table that reproduces the regression exactly; models
without the block still load; the F0.5 threshold is chosen for precision."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotator.model.word_data import MarkedSentences
from annotator.model.word_features import WordResources, bigram_keys, token_blocks
from annotator.model.word_training import build_tables, cv_threshold, fit_word_model, predict_tokens, save_tables
from annotator.model.words import LoadedWordModel, WordModelError

WORDS = ["critics", "voters", "used", "dirty", "magic", "tricks", "dishes", "the", "on", "stage", "today", "again"]
CONFIG = {
    "C": 10.0,
    "vector_weight": 1.0,
    "neighbour_ids": True,
    "neighbour_min_count": 1,
    "sentence": False,
    "bigrams": True,
    "bigram_min_count": 2,
}


def _data() -> MarkedSentences:
    """ "dirty" is marked only in "dirty tricks" (a smear), never in "dirty dishes" nor in "magic tricks"."""
    texts, marks = [], []
    for who in ("Critics", "Voters"):
        for tail in ("today", "again", "on stage"):
            texts += [f"{who} used dirty tricks {tail}.", f"{who} used dirty dishes {tail}."]
            texts += [f"{who} used magic tricks {tail}."]
            marks += [frozenset({"dirty"}), frozenset(), frozenset()]
    n = len(texts)
    return MarkedSentences(texts, marks, [None] * n, [1] * n, [str(i) for i in range(n)])


@pytest.fixture(scope="module")
def tiny():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(len(WORDS), 8)).astype(np.float32)
    resources = WordResources({w: i for i, w in enumerate(WORDS)}, vectors, {"function_word": frozenset({"the"})}, {})
    data = _data()
    model, layout = fit_word_model(resources, data, CONFIG)
    arrays, info = build_tables(model, layout, resources, ["dirty"], 0.5)
    return LoadedWordModel(arrays, info), model, layout, resources, data, arrays, info


@pytest.mark.parametrize(
    "offset, expected, reason",
    [
        (-1, [None, "dirty tricks", "tricks today"], "the pair with the word before, in reading order"),
        (1, ["dirty tricks", "tricks today", None], "the pair with the word after, in reading order"),
    ],
)
def test_word_bigrams_keys_pair_each_word_with_its_neighbour(offset, expected, reason):
    blocks, _ = token_blocks(["Dirty tricks today."])
    assert bigram_keys(blocks, offset) == expected, reason


def test_word_bigrams_vocabulary_keeps_pairs_seen_often_enough(tiny):
    _, _, layout, *_ = tiny
    assert "dirty tricks" in layout.bigram_vocab
    assert "stage ." not in layout.bigram_vocab  # punctuation is not a token
    assert all(" " in k for k in layout.bigram_vocab)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Critics used dirty tricks today.", "a trained pair on both its words"),
        ("Tricks dirty used critics.", "the same words in another order: no pair weight"),
        ("Unknown people used dirty tricks 42 times.", "unknown words and a number around the pair"),
        ("Dirty tricks. Dirty dishes.", "two sentences: no pair across the boundary"),
    ],
)
def test_word_bigrams_collapsed_tables_reproduce_the_regression_exactly(tiny, text, reason):
    words, model, layout, resources, *_ = tiny
    expected, _ = predict_tokens(model, layout, resources, [text])
    got = [s.probability for s in words.score_tokens(text)]
    assert np.allclose(got, expected, atol=1e-6), reason


def test_word_bigrams_pair_weight_goes_to_the_neighbour_parts(tiny):
    words, *_ = tiny
    smear = {s.word: s for s in words.score_tokens("Critics used dirty tricks today.")}
    chores = {s.word: s for s in words.score_tokens("Critics used dirty dishes today.")}
    assert smear["dirty"].probability > 0.5 > chores["dirty"].probability
    assert smear["dirty"].own == pytest.approx(chores["dirty"].own)  # the difference is the context's
    for s in smear.values():
        assert s.probability == pytest.approx(1 / (1 + math.exp(-s.logit())), abs=1e-9)


def test_word_bigrams_model_without_the_block_still_loads(tiny, tmp_path):
    _, *_rest, arrays, info = tiny
    old = {k: v for k, v in arrays.items() if not k.startswith("bigram")}
    path = tmp_path / "old.npz"
    save_tables(path, old, info)
    model = LoadedWordModel.load(path)
    assert len(model.score_tokens("Critics used dirty tricks today.")) == 5


def test_word_bigrams_mismatched_pair_table_is_one_clear_error(tiny, tmp_path):
    _, *_rest, arrays, info = tiny
    path = tmp_path / "bad.npz"
    save_tables(path, {**arrays, "bigram_before": arrays["bigram_before"][:-1]}, info)
    with pytest.raises(WordModelError) as exc:
        LoadedWordModel.load(path)
    assert "\n" not in str(exc.value) and "bigram_before" in str(exc.value)


@pytest.mark.parametrize("beta, name", [(1.0, "F1"), (0.5, "F0.5")])
def test_word_training_cv_threshold_reports_its_objective(tiny, beta, name):
    _, _, _, resources, data, *_ = tiny
    cv = cv_threshold(resources, data, {**CONFIG, "threshold_beta": beta}, folds=3)
    assert cv["objective"] == name
    assert cv["other"]["objective"] == ("F0.5" if name == "F1" else "F1")  # recorded beside, never used
    assert 0.1 <= cv["threshold"] <= 0.8
    assert 0.0 <= cv["cv_ap"] <= 1.0


def test_word_training_f05_threshold_is_at_least_the_f1_threshold(tiny):
    _, _, _, resources, data, *_ = tiny
    f1 = cv_threshold(resources, data, {**CONFIG, "threshold_beta": 1.0}, folds=3)
    f05 = cv_threshold(resources, data, {**CONFIG, "threshold_beta": 0.5}, folds=3)
    assert f05["cv_precision"] >= f1["cv_precision"]
