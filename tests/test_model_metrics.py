"""The shipped sentence models agree with models/metrics.json: the recorded training configuration is
today's default, the stack was fitted for the shipped classifier, and the out-of-domain numbers (BASIL
sentence ROC-AUC, when ../shared/data is present) are reproducible."""

from __future__ import annotations

import json

import pytest

from annotator.model import training as T
from annotator.model.files import file_sha256
from tests.conftest import ROOT, SHARED

MODELS = ROOT / "models"


@pytest.fixture(scope="module")
def metrics() -> dict:
    path = MODELS / "metrics.json"
    if not path.is_file():
        pytest.skip("the committed model has not been built")
    return json.loads(path.read_text(encoding="utf-8"))


def test_model_metrics_shipped_model_was_trained_with_the_default_config(metrics):
    """Changing DEFAULT_CONFIG without `annotator train` would leave the card describing another model."""
    assert metrics["model"]["config"] == json.loads(json.dumps(T.DEFAULT_CONFIG))


@pytest.mark.parametrize(
    "record_key, file_name, reason",
    [
        ("sentence_model_sha256", "bias_model.skops", "the stack was refitted after the classifier was retrained"),
        ("word_model_sha256", "loaded_words.npz", "the stack was fitted for the shipped word model"),
    ],
)
def test_model_metrics_stack_fitted_for_the_shipped_models(metrics, record_key, file_name, reason):
    stack = json.loads((MODELS / "sentence_stack.json").read_text(encoding="utf-8"))
    assert stack[record_key] == file_sha256(MODELS / file_name), reason
    assert metrics["sentence_stack"]["record"][record_key] == stack[record_key], "evaluated after the last fit"


@pytest.fixture(scope="module")
def basil():
    if not (SHARED / "data" / "basil").is_dir():
        pytest.skip("../shared/data/basil is not available")
    from annotator.model.basil import basil_sentences, load_basil

    return basil_sentences(load_basil(SHARED / "data" / "basil"))


@pytest.mark.slow
@pytest.mark.parametrize("part", ["sentence_alone", "stacked"])
def test_model_metrics_basil_sentence_auc_matches_metrics(metrics, basil, part):
    from sklearn.metrics import roc_auc_score

    from annotator.model.stack import load_sentence_model

    sentences, labels = basil
    stacked = load_sentence_model()
    model = stacked.base if part == "sentence_alone" else stacked
    got = roc_auc_score(labels, model.predict_proba(sentences))
    recorded = metrics["sentence_stack"]["basil_sentence_auc"]
    assert recorded["n_sentences"] == len(labels)
    assert got == pytest.approx(recorded[part], abs=1e-4)
