"""Tests of annotator.train: a quick subset training run, error handling, and the committed metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator import train as T
from annotator.model.sentence import DEFAULT_MODEL_PATH, BiasModel

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
    vectors = json.loads((tmp_path / "metrics.json").read_text())["model"]["word_vectors"]
    assert vectors["file"] == "annotator/data/word_vectors.npz" and len(vectors["sha256"]) == 64
    assert "MiniLM" in vectors["source"]
    # the loaded-word detector and the stack are trained with it, and load together
    from annotator.model.stack import StackedBiasModel, load_sentence_model

    assert (tmp_path / "loaded_words.npz").is_file() and (tmp_path / "sentence_stack.json").is_file()
    assert isinstance(load_sentence_model(tmp_path / "bias_model.skops"), StackedBiasModel)


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


@pytest.mark.parametrize(
    "base_char, row, expected_char",
    [
        (None, "+ char tf-idf (char_wb 2-4)", "reference"),  # a default without char: the rows still measure it
        (None, "all + char tf-idf (char_wb 2-4)", "reference"),  # "all without" would repeat the shipped row
        (None, "all (shipped configuration)", None),
        ({"ngram_range": (3, 5), "min_df": 5}, "+ char tf-idf (char_wb 3-5)", "base"),  # the default's own block
        ({"ngram_range": [3, 5], "min_df": 5}, "+ char + Recasens lexicon counts", "base"),  # as in metrics.json
        ({"ngram_range": (3, 5), "min_df": 5}, "all without char tf-idf", False),
    ],
)
def test_train_ablation_configs_char_block(base_char, row, expected_char):
    from annotator.model.training import CHAR_NGRAMS

    assert CHAR_NGRAMS["ngram_range"] == (2, 4), "the row names above assume the shipped block"
    base = {**T.DEFAULT_CONFIG, "char": base_char}
    cfgs = T.ablation_configs(base)
    want = {"reference": CHAR_NGRAMS, "base": base_char}.get(expected_char, expected_char)
    assert cfgs[row]["char"] == want
    assert ("all without char tf-idf" in cfgs) == bool(base_char)


@pytest.mark.parametrize(
    "config, expected",
    [
        (
            {"word": {"ngram_range": (1, 2)}, "char": {"ngram_range": (2, 5)}},
            "word 1–2-gram TF-IDF + character 2–5-gram TF-IDF (`char_wb`)",
        ),
        ({"word": {"ngram_range": [1, 2]}, "char": None}, "word 1–2-gram TF-IDF"),  # as read from metrics.json
        ({}, "no n-gram TF-IDF"),
    ],
)
def test_card_ngram_blocks_describe_the_trained_configuration(config, expected):
    from annotator.model.card import ngram_blocks

    assert ngram_blocks(config) == expected


# ------------------------------------------------------------------------- reviewer feedback (issue 5)


def _decision(sentence: str, *, target: str = "sentence", score: float | None = 0.9, decision: str = "disagree"):
    from annotator.feedback import Decision, text_hash

    return Decision(
        text_hash=text_hash(sentence),
        target=target,
        start=0,
        end=len(sentence),
        decision=decision,
        detector="" if target == "sentence" else "lexicon",
        sentence=sentence,
        score=score if target == "sentence" else None,
    )


NEW_BIASED = "The senator's disgraceful lies betrayed every voter who trusted him."
NEW_NEUTRAL = "The county board will publish the budget figures on Thursday."


@pytest.fixture()
def feedback_db(tmp_path, sg2):
    """A reviewer-feedback database: one test-split sentence, two new sentences (seed 7 split)."""
    from annotator.feedback import FeedbackStore

    test_hashes = T.make_test_split(sg2, seed=7)
    test_sentence = next(t for t, h in zip(sg2["text"], sg2["sha"], strict=True) if h in test_hashes)
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.record(_decision("  " + test_sentence + " "))  # in the test split (after stripping): must be dropped
    store.record(_decision(NEW_BIASED, target="annotation", decision="agree"))  # -> biased
    store.record(_decision(NEW_NEUTRAL, score=0.8, decision="disagree"))  # model said biased, reviewer no -> 0
    return store.path, test_sentence


@needs_data
def test_train_feedback_excludes_test_split_and_reports_change(tmp_path, capsys, feedback_db):
    db, _ = feedback_db
    out = tmp_path / "newsroom"
    argv = ["train", "--data-dir", str(DATA_DIR), "--out", str(out), "--subset", "300", "--seed", "7"]
    assert T.main([*argv, "--feedback", str(db)]) == 0
    printed = capsys.readouterr().out
    assert "3 labelled sentences: 2 added" in printed and "1 dropped (in the test split)" in printed
    assert "without feedback" in printed and "with feedback" in printed and "macro-F1" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    fb = metrics["feedback"]
    assert (fb["added"], fb["dropped_test_split"], fb["relabelled"]) == (2, 1, 0)
    assert fb["n_train_without"] == 300 and fb["n_train_with"] == 302
    for key in ("macro_f1", "brier"):
        before, after = fb["without_feedback"][key], fb["with_feedback"][key]
        assert 0.0 <= before <= 1.0 and 0.0 <= after <= 1.0
        assert fb["change"][key] == pytest.approx(after - before, abs=2e-4)
    assert metrics["headline"]["test_macro_f1"] == pytest.approx(fb["with_feedback"]["macro_f1"], abs=1e-4)
    # the newsroom's folder holds a model that loads on its own (metrics.json beside it)
    model = BiasModel.load(out / "bias_model.skops")
    assert model.info["n_train"] == 302 and "feedback" in model.info["name"]
    assert model.info["path"] == str(out / "bias_model.skops")


@needs_data
def test_train_merge_feedback_drops_test_relabels_train_adds_new(sg2):
    test_hashes = T.make_test_split(sg2, seed=7)
    train_df, test_df = T.split_frames(sg2, test_hashes)
    row = train_df.iloc[5]
    labelled = [
        (test_df["text"].iloc[0] + "  ", 1),
        (row["text"], 1 - int(row["y"])),
        (NEW_BIASED, 1),
        (NEW_NEUTRAL, 0),
    ]
    merged, counts = T.merge_feedback(train_df, test_hashes, labelled)
    assert counts == {"added": 2, "relabelled": 1, "confirmed": 0, "dropped_test_split": 1}
    assert not set(merged["sha"]) & test_hashes
    assert len(merged) == len(train_df) + 2
    assert merged.loc[merged["sha"] == row["sha"], "y"].tolist() == [1 - int(row["y"])]
    new = merged[merged["text"].isin([NEW_BIASED, NEW_NEUTRAL])]
    assert sorted(new["y"]) == [0, 1] and new["marked"].isna().all() and (new["opinion"] == -1).all()
    assert (new["center_outlet"] == -1).all()


@pytest.mark.parametrize(
    "content,expected",
    [(None, "not found"), (b"this is not a sqlite database, just some bytes" * 100, "corrupt")],
    ids=["missing", "corrupt"],
)
def test_train_feedback_bad_db_exits_2(tmp_path, capsys, content, expected):
    db = tmp_path / "feedback.sqlite3"
    if content is not None:
        db.write_bytes(content)
    rc = T.main(["train", "--out", str(tmp_path / "m"), "--feedback", str(db)])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and str(db) in err and expected in err
    assert not (tmp_path / "m").exists()


def test_train_feedback_option_only_on_train():
    import argparse

    p = argparse.ArgumentParser()
    T.add_evaluate_arguments(p)
    assert "--feedback" not in p.format_help()
    p = argparse.ArgumentParser()
    T.add_train_arguments(p)
    assert p.parse_args(["--feedback", "x.db"]).feedback == "x.db"


# ------------------------------------------------------------------------- auxiliary-label stacking


def test_train_aux_stacked_lr_collapses_to_one_linear_model():
    from scipy.special import expit
    from sklearn.linear_model import LogisticRegression

    from annotator.model.features import AuxStackedLogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6))
    aux = (X[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)
    y = (X[:, 0] + X[:, 1] + 0.5 * rng.normal(size=400) > 0).astype(int)
    aux[::3] = -1  # unknown for a third of the rows
    clf = AuxStackedLogisticRegression(C=1.0, aux_C=1.0, random_state=0).fit(X, y, aux=aux)
    assert clf.coef_.shape == (1, 6) and clf.aux_weights_.shape == (1,) and clf.aux_weights_[0] != 0.0
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expit(X @ clf.coef_[0] + clf.intercept_[0]))
    assert set(clf.predict(X)) <= {0, 1}
    plain = AuxStackedLogisticRegression(C=1.0, random_state=0).fit(X, y)  # no aux: a plain LR
    ref = LogisticRegression(C=1.0, max_iter=5000, random_state=0).fit(X, y)
    np.testing.assert_allclose(plain.coef_, ref.coef_)
    assert plain.aux_weights_.size == 0


def test_train_aux_stacked_lr_several_labels():
    from scipy.special import expit

    from annotator.model.features import AuxStackedLogisticRegression

    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 5))
    y = (X[:, 0] + X[:, 1] + 0.5 * rng.normal(size=500) > 0).astype(int)
    a1 = (X[:, 0] > 0).astype(int)
    a2 = (X[:, 1] + 0.2 * rng.normal(size=500) > 0).astype(int)
    a2[::2] = -1
    constant = np.zeros(500, dtype=int)  # one class only: skipped
    aux = np.column_stack([a1, a2, constant])
    clf = AuxStackedLogisticRegression(C=1.0, aux_C=1.0, random_state=0).fit(X, y, aux=aux)
    assert clf.aux_weights_.shape == (2,) and (clf.aux_weights_ != 0).all()
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expit(X @ clf.coef_[0] + clf.intercept_[0]))
    one = AuxStackedLogisticRegression(C=1.0, aux_C=1.0, random_state=0).fit(X, y, aux=a1)
    assert not np.allclose(one.coef_, clf.coef_)
    with pytest.raises(ValueError, match="weights"):
        AuxStackedLogisticRegression(weight=[1.0]).fit(X, y, aux=aux)


@needs_data
def test_train_opinion_labels_parsed(sg2):
    assert set(sg2["opinion"]) == {-1, 0, 1}
    writer = sg2["label_opinion"].str.startswith("Expresses")
    assert (sg2.loc[writer, "opinion"] == 1).all() and (sg2.loc[~writer, "opinion"] <= 0).all()


@needs_data
def test_train_center_outlet_label_from_leaning(sg2):
    assert set(sg2["center_outlet"]) == {-1, 0, 1}  # -1: BABE gives no leaning for the row
    known = sg2["type"].notna()
    assert (sg2.loc[known, "center_outlet"] == (sg2.loc[known, "type"] == "center").astype(int)).all()
    assert (sg2.loc[~known, "center_outlet"] == -1).all()
    aux = T._as_aux(sg2, ["opinion", "center_outlet", "not_a_column"])
    assert aux.shape == (len(sg2), 3) and (aux[:, 2] == -1).all()
