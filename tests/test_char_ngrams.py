"""The classifier's character n-gram block (``training.CHAR_NGRAMS``) stays supported although the shipped
model no longer has it: a model fitted with it scores, by the hand-vectorised path, exactly what the
scikit-learn pipeline gives, and its explanations still add up to the log-odds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator.model import training as T
from annotator.model.sentence import BiasModel

LOADED = ["radical", "disastrous", "shameful", "insane", "greedy", "so-called", "mob", "scam"]
NEUTRAL = ["committee", "budget", "hearing", "report", "meeting", "vote", "plan", "proposal"]


def _frame() -> pd.DataFrame:
    """A small synthetic training set: loaded words make a sentence biased; every row carries the
    metadata the shipped configuration learns from (marked words, auxiliary labels)."""
    rows = []
    for i in range(48):
        biased = i % 2 == 0
        word = (LOADED if biased else NEUTRAL)[i % 8]
        other = NEUTRAL[(i + 3) % 8]
        text = f"The {word} {other} was discussed on day {i} by the city's officials."
        rows.append(
            {
                "text": text,
                "y": int(biased),
                "marked": [word] if biased else [],
                "opinion": int(biased) if i % 3 else -1,
                "center_outlet": int(not biased) if i % 4 else -1,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def char_model(tmp_path_factory) -> BiasModel:
    config = {**T.DEFAULT_CONFIG, "char": T.CHAR_NGRAMS, "recasens": False}  # Recasens lists need ../shared
    word_lists = T.load_word_lists(tmp_path_factory.mktemp("data"), config)
    pipe = T.fit_frame(config, word_lists, _frame(), seed=0)
    return BiasModel(pipe, {"model_id": "char-test"}, tmp_path_factory.mktemp("model") / "unsaved.skops")


SENTENCES = [
    ("The radical mob staged a shameful scam.", "several loaded words"),
    ("The committee's budget hearing was on Tuesday.", "neutral, possessive"),
    ("Radicalised, disastrously greedy insanity", "unseen word forms: only char n-grams match"),
    ("“Quoted” ‘text’ — with so-called dashes… and émigrés", "typographic quotes and accents"),
    ("", "empty"),
    ("A" * 3000, "one long token"),
]


def test_char_ngrams_model_has_the_block(char_model):
    """The block is there and the test sentences exercise it (unseen word forms still hit n-grams)."""
    assert any(p["name"] == "char" for p in char_model._parts)
    char = dict(char_model.pipeline.named_steps["features"].transformer_list)["char"]
    assert char.transform([SENTENCES[2][0]]).nnz > 10


def test_char_ngrams_scoring_matches_pipeline(char_model):
    sents = [s for s, _ in SENTENCES]
    want = char_model.pipeline.predict_proba(np.array(sents, dtype=object))[:, 1]
    np.testing.assert_allclose(char_model.predict_proba(sents), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose([p for p, _ in char_model.score(sents)], want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("sentence, reason", SENTENCES[:4], ids=[r for _, r in SENTENCES[:4]])
def test_char_ngrams_contributions_add_up_to_logit(char_model, sentence, reason):
    ((p, terms),) = char_model.score([sentence], top_k=10_000)
    logit = char_model._intercept + sum(v for _, v in terms)
    assert abs(logit - np.log(p / (1 - p))) < 1e-2, reason  # terms are rounded to 4 decimals
