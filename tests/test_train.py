"""Tests of annotator.train: a quick subset training run, error handling, and the committed metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator import train as T
from annotator.classify import DEFAULT_MODEL_PATH, BiasModel

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "data"
MODELS = ROOT / "models"

needs_data = pytest.mark.skipif(
    not (DATA_DIR / "babe" / "final_labels_SG2.csv").is_file(), reason="../shared/data is not available"
)


@pytest.fixture(scope="module")
def sg2():
    return T.load_sg2(DATA_DIR)


@pytest.fixture(scope="module")
def metrics() -> dict:
    path = MODELS / "metrics.json"
    if not path.is_file() or not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("the committed model has not been built")
    return json.loads(path.read_text())


@needs_data
def test_train_subset_model_loads_and_scores(tmp_path, capsys):
    rc = T.main(["train", "--data-dir", str(DATA_DIR), "--out", str(tmp_path), "--subset", "300", "--seed", "7"])
    assert rc == 0
    assert "training on 300 sentences" in capsys.readouterr().out
    model = BiasModel.load(tmp_path / "bias_model.skops")
    assert model.info["n_train"] == 300
    (p, terms), (q, _) = model.score(["A shameful, disgusting attack on democracy.", "The meeting is on Monday."])
    assert 0.0 <= p <= 1.0 and 0.0 <= q <= 1.0
    assert terms and all(isinstance(t, str) and isinstance(v, float) for t, v in terms)
    assert len((tmp_path / "test_split.txt").read_text().split()) == 734


def test_train_missing_data_dir_exits_2(tmp_path, capsys):
    rc = T.main(["train", "--data-dir", str(tmp_path / "missing"), "--out", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and "missing" in err
    assert not (tmp_path / "m").exists()


def test_train_evaluate_without_model_exits_2(tmp_path, capsys):
    if not (DATA_DIR / "babe").is_dir():
        pytest.skip("../shared/data is not available")
    rc = T.main(["evaluate", "--data-dir", str(DATA_DIR), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2 and "bias_model.skops" in err and err.count("\n") == 1


def test_train_env_var_sets_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path))
    with pytest.raises(T.DataError, match=str(tmp_path)):
        T.resolve_data_dir(None)


@needs_data
def test_train_test_split_file_matches_seed(sg2, metrics):
    committed = T.read_test_split(MODELS / "test_split.txt")
    assert committed == T.make_test_split(sg2, seed=metrics["model"]["seed"])
    assert len(committed) == metrics["model"]["n_test"]
    train_df, _ = T.split_frames(sg2, committed)
    assert len(train_df) == metrics["model"]["n_train"]
    assert not set(train_df["sha"]) & committed


@needs_data
def test_train_committed_model_test_macro_f1(sg2, metrics):
    model = BiasModel.load()
    _, test_df = T.split_frames(sg2, T.read_test_split(MODELS / "test_split.txt"))
    got = T.evaluate_test_split(model, test_df)
    assert got["macro_f1"] >= 0.75
    recorded = metrics["test"]["model"]
    for key in ("macro_f1", "precision_biased", "recall_biased", "roc_auc", "brier"):
        assert got[key] == pytest.approx(recorded[key], abs=1e-4), key
    assert (
        T._r(T.calibration_bins(test_df["y"].to_numpy(), model.predict_proba(list(test_df["text"]))))
        == (recorded["calibration"])
    )
    assert metrics["headline"]["test_macro_f1"] == pytest.approx(got["macro_f1"], abs=1e-4)


@needs_data
@pytest.mark.slow
def test_train_cv_matches_metrics(sg2, metrics):
    """The headline 5-fold CV number is reproducible (about 20 s on 2 cores)."""
    config = metrics["model"]["config"]
    wl = T.load_word_lists(DATA_DIR, {**config, "recasens": True, "vader": True})
    proba, _, splits = T.cv_predict(config, wl, sg2, seed=metrics["model"]["seed"], n_jobs=2)
    folds = T.fold_macro_f1(sg2["y"].to_numpy(), proba, splits)
    assert np.mean(folds) == pytest.approx(metrics["cv_5fold"]["model"]["macro_f1_mean"], abs=1e-4)


def test_train_ablation_configs_switch_features():
    cfgs = T.ablation_configs(T.DEFAULT_CONFIG)
    first = cfgs["word tf-idf (1-2 grams)"]
    assert first["word"] and not first["char"] and not first["marked"]
    assert cfgs["all (shipped configuration)"] == T.DEFAULT_CONFIG
