"""Reproducible training and evaluation of the sentence bias classifier (writes models/).

``annotator train`` fits the shipped model on 80% of BABE SG2 (the other 20%, stratified by label and
outlet with a fixed seed, is the held-out test split, committed as models/test_split.txt) and writes
models/bias_model.skops plus the model's SHA-256 into models/metrics.json.
``annotator evaluate`` recomputes every number in models/metrics.json (cross-validation, test split,
leave-one-outlet-out, word level, crowd vs experts, baselines) and writes models/MODEL_CARD.md.

Data are read from ../shared/data (relative to the repository), ``--data-dir`` or ``ANNOTATOR_DATA_DIR``;
they are never copied into the repository. Also runnable as ``python -m annotator.train [train|evaluate]``.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = REPO_ROOT / "models"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
MODEL_FILE = "bias_model.skops"
METRICS_FILE = "metrics.json"
TEST_SPLIT_FILE = "test_split.txt"
CARD_FILE = "MODEL_CARD.md"
SEED = 42
N_FOLDS = 5
TEST_SIZE = 0.2

# The shipped configuration, chosen by stratified 5-fold CV macro-F1 on the training part only
# (see the feature ablation in metrics.json / MODEL_CARD.md).
DEFAULT_CONFIG: dict = {
    "word": {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 1, "lowercase": True},
    "char": {"ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2, "lowercase": False},
    "recasens": True,
    "vader": True,
    "quote": True,
    "marked": {"alpha": 1.0, "threshold": 0.2, "stem": True},
    "project": False,
    "dense_weight": 0.1,
    "C": 3.0,
    "class_weight": None,
    # the TF-IDF-weighted mean of static word vectors distilled from a sentence encoder
    # (annotator/data/word_vectors.npz); +0.005 CV macro-F1 over 3 split seeds, +0.016 leave-one-outlet-out
    "embedding": {"weight": 2.0},
    # stack the cross-fitted logits of models of auxiliary labels, then collapse everything into one linear
    # model (AuxStackedLogisticRegression): BABE's "expresses the writer's opinion" (+0.005 over 4 split
    # seeds) and "the outlet is rated centre" (+0.0025 over 3 split seeds)
    "aux_stack": {"labels": ["opinion", "center_outlet"], "aux_C": 3.0, "weight": 1.0},
}
AUX_LABELS = ("opinion", "center_outlet")  # the auxiliary labels load_sg2 provides

MODEL_NAME = "BABE linear bias classifier"
OPINION_LABELS = {  # BABE's label_opinion -> the auxiliary label "the sentence expresses the writer's opinion"
    "Entirely factual": 0,
    "Somewhat factual but also opinionated": 0,
    "Expresses writer's opinion": 1,
}


class DataError(Exception):
    """The training data are missing or unreadable (reported as one line, exit code 2)."""


# ---------------------------------------------------------------------------------------------- data


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    d = Path(data_dir or os.environ.get("ANNOTATOR_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()
    if not (d / "babe" / "final_labels_SG2.csv").is_file():
        raise DataError(
            f"data directory {d} has no babe/final_labels_SG2.csv "
            "(pass --data-dir or set ANNOTATOR_DATA_DIR to the shared data folder)"
        )
    if not (d / "lexicons").is_dir():
        raise DataError(f"data directory {d} has no lexicons/ folder (Recasens word lists)")
    return d


def text_sha(text: str) -> str:
    """SHA-256 hex of a sentence's text field (UTF-8, stripped): the id used in test_split.txt."""
    return hashlib.sha256(str(text).strip().encode("utf-8")).hexdigest()


def load_sg2(data_dir: Path):
    """BABE SG2 sentences with a Biased / Non-biased expert label (``No agreement`` dropped)."""
    import pandas as pd

    path = data_dir / "babe" / "final_labels_SG2.csv"
    try:
        df = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    except Exception as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    missing = {"text", "outlet", "label_bias", "biased_words"} - set(df.columns)
    if missing:
        raise DataError(f"{path} lacks columns {sorted(missing)}")
    df = df[df["label_bias"].isin(["Biased", "Non-biased"])].reset_index(drop=True)
    df["text"] = df["text"].astype(str).str.strip()
    df["y"] = (df["label_bias"] == "Biased").astype(int)
    df["sha"] = [text_sha(t) for t in df["text"]]
    df["marked"] = [_parse_words(b) for b in df["biased_words"]]
    opinion = df["label_opinion"] if "label_opinion" in df.columns else [None] * len(df)
    df["opinion"] = [OPINION_LABELS.get(str(v).replace("\u2019", "'"), -1) for v in opinion]
    # BABE's outlet leaning: "center" -> 1, "left"/"right" -> 0, unknown -> -1
    leaning = df["type"] if "type" in df.columns else [None] * len(df)
    df["center_outlet"] = [{"center": 1, "left": 0, "right": 0}.get(str(v).strip().lower(), -1) for v in leaning]
    return df


def _parse_words(value) -> list[str]:
    try:
        words = ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        return []
    return [str(w) for w in words] if isinstance(words, (list, tuple)) else []


def load_mbic(data_dir: Path):
    import warnings

    import pandas as pd

    path = data_dir / "babe" / "final_labels_MBIC.xlsx"
    if not path.is_file():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pd.read_excel(path)
    df["text"] = df["text"].astype(str).str.strip()
    df["sha"] = [text_sha(t) for t in df["text"]]
    return df


def make_test_split(df, seed: int = SEED, test_size: float = TEST_SIZE) -> set[str]:
    """Hashes of the held-out sentences: 20% stratified by label x outlet (rare strata merged)."""
    from sklearn.model_selection import train_test_split

    uniq = df.drop_duplicates("sha")
    strata = uniq["label_bias"] + "|" + uniq["outlet"].astype(str)
    counts = strata.value_counts()
    strata = strata.where(strata.map(counts) >= 5, uniq["label_bias"] + "|other")
    counts = strata.value_counts()
    for st in counts[counts < 2].index:  # a lone sentence joins its label's largest stratum
        lab = st.split("|")[0]
        strata = strata.replace(st, strata[strata.str.startswith(lab + "|")].value_counts().index[0])
    _, test = train_test_split(uniq, test_size=test_size, stratify=strata, random_state=seed)
    return set(test["sha"])


def read_test_split(path: Path) -> set[str]:
    return {ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()}


def write_test_split(path: Path, hashes: set[str]) -> None:
    path.write_text("".join(h + "\n" for h in sorted(hashes)), encoding="utf-8")


# ------------------------------------------------------------------------------------------- model


def load_word_lists(data_dir: Path, config: dict) -> dict:
    from annotator import features as F

    lists: dict = {}
    if config.get("recasens"):
        lists["recasens"] = F.load_recasens_lexicons(data_dir / "lexicons")
    if config.get("vader"):
        lists["vader"] = F.load_vader_lexicon()
    if config.get("embedding"):
        try:
            lists["embedding"] = F.load_word_vectors()
        except ValueError as exc:
            raise DataError(str(exc)) from None
    if config.get("project"):
        path = REPO_ROOT / "annotator" / "lexicon" / "data" / "loaded_terms.csv"
        if path.is_file():
            lists["project"] = F.load_project_lexicon(path)
    return lists


def build_pipeline(config: dict, word_lists: dict, seed: int = SEED):
    """The classifier: sparse n-gram TF-IDF + scaled lexicon counts -> logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import StandardScaler

    from annotator import features as F

    parts = []
    if config.get("word"):
        parts.append(("word", F.CompactTfidfVectorizer(**_vec_params(config["word"]))))
    if config.get("char"):
        parts.append(("char", F.CompactTfidfVectorizer(analyzer="char_wb", **_vec_params(config["char"]))))
    weights = {}
    if config.get("embedding"):
        words, vectors = word_lists["embedding"]
        parts.append(("embed", F.WordVectorMean(words=words, vectors=vectors)))
        weights["embed"] = float(config["embedding"].get("weight", 1.0))
    dense = []
    if config.get("recasens"):
        dense.append(("recasens", F.LexiconCounts(word_lists["recasens"])))
    if config.get("project") and "project" in word_lists:
        dense.append(("project", F.LexiconCounts(word_lists["project"])))
    if config.get("vader"):
        dense.append(("vader", F.ValenceFeatures(word_lists["vader"])))
    if config.get("quote"):
        dense.append(("quote", F.QuoteFeatures()))
    if config.get("marked"):
        dense.append(("marked", F.MarkedWordRates(**config["marked"], random_state=seed)))
    if dense:
        scaled = Pipeline([("union", FeatureUnion(dense)), ("scale", StandardScaler(with_mean=False))])
        parts.append(("dense", scaled))
        if parts[:-1]:
            weights["dense"] = float(config.get("dense_weight", 1.0))
    if not parts:
        raise ValueError("empty feature configuration")
    if config.get("aux_stack"):
        if config.get("class_weight"):
            raise ValueError("aux_stack does not support class_weight")
        stack = {k: v for k, v in config["aux_stack"].items() if k != "labels"}
        clf = F.AuxStackedLogisticRegression(C=float(config.get("C", 1.0)), random_state=seed, max_iter=5000, **stack)
    else:
        clf = LogisticRegression(
            C=float(config.get("C", 1.0)),
            class_weight=config.get("class_weight"),
            max_iter=5000,
            random_state=seed,
        )
    return Pipeline([("features", FeatureUnion(parts, transformer_weights=weights or None)), ("clf", clf)])


def _vec_params(p: dict) -> dict:
    out = dict(p)
    if "ngram_range" in out:
        out["ngram_range"] = tuple(out["ngram_range"])
    out.setdefault("dtype", np.float64)
    return out


def _needs_marked(config: dict) -> bool:
    return bool(config.get("marked"))


def _needs_aux(config: dict) -> bool:
    return bool(config.get("aux_stack"))


def fit_pipeline(pipe, texts, y, marked=None, aux=None):
    """Fit with the training metadata routed to the steps that learn from it: the annotators' marked
    words (``marked``) and the auxiliary opinion label (``aux``)."""
    import sklearn

    params = {}
    if marked is not None:
        params["marked_words"] = marked
    if aux is not None:
        params["aux"] = aux
    from threadpoolctl import threadpool_limits

    # sparse logistic regressions gain nothing from BLAS threads, and lose a lot when cores are busy
    with sklearn.config_context(enable_metadata_routing=True), threadpool_limits(1, user_api="blas"):
        pipe.fit(texts, y, **params)
    return pipe


def fit_frame(config: dict, word_lists: dict, df, seed: int = SEED):
    """A pipeline built from ``config`` and fitted on the rows of ``df`` (text, y, marked, opinion)."""
    pipe = build_pipeline(config, word_lists, seed)
    return fit_pipeline(
        pipe,
        _as_text(df),
        df["y"].to_numpy(),
        _as_marked(df) if _needs_marked(config) else None,
        _as_aux(df, config["aux_stack"].get("labels", AUX_LABELS)) if _needs_aux(config) else None,
    )


def _as_text(df):
    return df["text"].to_numpy(dtype=object)


def _as_marked(df):
    out = np.empty(len(df), dtype=object)
    out[:] = list(df["marked"])
    return out


def _as_aux(df, labels=AUX_LABELS):
    """(rows, labels) matrix of the auxiliary labels: 1, 0, or -1 where unknown (or the column is absent)."""
    cols = [
        df[name].fillna(-1).to_numpy(dtype=np.int64) if name in df.columns else np.full(len(df), -1, dtype=np.int64)
        for name in labels
    ]
    return np.column_stack(cols) if cols else np.zeros((len(df), 0), dtype=np.int64)


def cv_predict(config, word_lists, df, seed=SEED, n_folds=N_FOLDS, groups=None, n_jobs=1):
    """Out-of-fold probabilities (vectorizers and lexicon rates refitted inside every fold)."""
    from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold

    y = df["y"].to_numpy()
    X = _as_text(df)
    if groups is not None:
        splits = list(LeaveOneGroupOut().split(X, y, groups))
    else:
        splits = list(StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(X, y))

    def one(tr, te):
        pipe = fit_frame(config, word_lists, df.iloc[tr], seed)
        return te, pipe.predict_proba(X[te])[:, 1]

    if n_jobs and n_jobs != 1:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs)(delayed(one)(tr, te) for tr, te in splits)
    else:
        results = [one(tr, te) for tr, te in splits]
    proba = np.zeros(len(y))
    fold_of = np.zeros(len(y), dtype=int)
    for k, (te, p) in enumerate(results):
        proba[te] = p
        fold_of[te] = k
    return proba, fold_of, splits


def fold_macro_f1(y, proba, splits) -> list[float]:
    from sklearn.metrics import f1_score

    return [float(f1_score(y[te], (proba[te] >= 0.5).astype(int), average="macro")) for _, te in splits]


# ------------------------------------------------------------------------------------- metrics


def binary_metrics(y, proba, n_bins: int = 10) -> dict:
    from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score

    y = np.asarray(y)
    proba = np.asarray(proba, dtype=np.float64)
    pred = (proba >= 0.5).astype(int)
    out = {
        "n": len(y),
        "macro_f1": float(f1_score(y, pred, average="macro")),
        "precision_biased": float(precision_score(y, pred, zero_division=0)),
        "recall_biased": float(recall_score(y, pred, zero_division=0)),
        "f1_biased": float(f1_score(y, pred, zero_division=0)),
        "accuracy": float((pred == y).mean()),
    }
    if len(set(y.tolist())) == 2 and len(set(np.round(proba, 12).tolist())) > 1:
        out["roc_auc"] = float(roc_auc_score(y, proba))
    out["brier"] = float(brier_score_loss(y, proba))
    out["calibration"] = calibration_bins(y, proba, n_bins)
    return out


def calibration_bins(y, proba, n_bins: int = 10) -> list[dict]:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.digitize(proba, edges[1:-1]), 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        m = idx == b
        if m.any():
            bins.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(m.sum()),
                    "mean_predicted": round(float(proba[m].mean()), 4),
                    "fraction_biased": round(float(np.asarray(y)[m].mean()), 4),
                }
            )
    return bins


def _r(x, nd=4):
    if isinstance(x, float):
        return round(x, nd)
    if isinstance(x, dict):
        return {k: _r(v, nd) for k, v in x.items()}
    if isinstance(x, list):
        return [_r(v, nd) for v in x]
    return x


# ----------------------------------------------------------------------------------- baselines


VECTOR_VOCAB_NOTE = "34k words (the encoder's whole-word vocabulary plus the words of the data and word lists)"


def baseline_configs(word_lists: dict) -> dict:
    return {
        "majority_class": "majority",
        "lexicon_hits_only": {"recasens": True, "C": 1.0},
        "plain_word_tfidf_lr": {"word": {"lowercase": True}, "C": 1.0},
    }


def _fit_predict_config(config, word_lists, train_df, test_texts, seed):
    if config == "majority":
        p = float(train_df["y"].mean() >= 0.5)
        return np.full(len(test_texts), p)
    return fit_frame(config, word_lists, train_df, seed).predict_proba(test_texts)[:, 1]


def _cv_config(config, word_lists, df, seed, n_jobs):
    from sklearn.model_selection import StratifiedKFold

    y = df["y"].to_numpy()
    if config == "majority":
        splits = list(StratifiedKFold(N_FOLDS, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
        proba = np.zeros(len(y))
        for tr, te in splits:
            proba[te] = float(y[tr].mean() >= 0.5)
        return proba, splits
    proba, _, splits = cv_predict(config, word_lists, df, seed=seed, n_jobs=n_jobs)
    return proba, splits


def _cv_summary(y, proba, splits) -> dict:
    folds = fold_macro_f1(y, proba, splits)
    return {"macro_f1_mean": float(np.mean(folds)), "macro_f1_std": float(np.std(folds)), "folds": folds}


# ------------------------------------------------------------------------------------ training


def split_frames(df, test_hashes: set[str]):
    is_test = df["sha"].isin(test_hashes)
    return df[~is_test].reset_index(drop=True), df[is_test].reset_index(drop=True)


def word_vectors_record() -> dict:
    """Which word vectors a model was trained with: file, SHA-256 and the provenance stored inside it."""
    from annotator.classify import file_sha256
    from annotator.features import WORD_VECTORS_PATH

    out = {"file": str(WORD_VECTORS_PATH.relative_to(REPO_ROOT)), "sha256": file_sha256(WORD_VECTORS_PATH)}
    with np.load(WORD_VECTORS_PATH, allow_pickle=False) as data:
        if "meta" in data:
            out.update(json.loads(str(data["meta"])))
    return out


def _versions() -> dict:
    import scipy
    import sklearn
    import skops

    return {
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
    }


def load_feedback(path: str | Path) -> tuple[list[tuple[str, int]], int]:
    """Labelled sentences ``[(sentence, 1 biased / 0 not)]`` from a reviewer-feedback database, and the
    number of decisions it holds. A missing or unreadable database is a DataError (one line, exit 2)."""
    from annotator.feedback import FeedbackError, FeedbackStore, labelled_sentences

    db = Path(path).expanduser()
    if not db.is_file():
        raise DataError(f"feedback database {db} not found")
    try:
        decisions = FeedbackStore(db).decisions()
    except FeedbackError as exc:
        raise DataError(str(exc)) from None
    except (TypeError, ValueError) as exc:  # a SQLite file whose decisions table is not ours
        raise DataError(f"feedback database {db} has an unexpected layout ({exc})") from None
    return labelled_sentences(decisions), len(decisions)


def merge_feedback(train_df, test_hashes: set[str], labelled: list[tuple[str, int]]):
    """Training rows plus the reviewers' labelled sentences; returns (rows, counts).

    A sentence in the test split (SHA-256 of its stripped text in test_split.txt) is dropped: the model
    never trains on the test split. A sentence already among the training rows takes the reviewer's
    label. Any other sentence becomes a new row (no marked words and no auxiliary labels: the rates and
    the auxiliary models that learn from those ignore it).
    """
    import pandas as pd

    y = train_df["y"].to_numpy().copy()
    rows_of: dict[str, list[int]] = {}
    for i, sha in enumerate(train_df["sha"]):
        rows_of.setdefault(sha, []).append(i)
    counts = {"added": 0, "relabelled": 0, "confirmed": 0, "dropped_test_split": 0}
    new: dict[str, dict] = {}
    for sentence, label in labelled:
        text = str(sentence).strip()
        if not text or label not in (0, 1):
            continue
        sha = text_sha(text)
        if sha in test_hashes:
            counts["dropped_test_split"] += 1
        elif sha in rows_of:
            idx = rows_of[sha]
            counts["relabelled" if (y[idx] != label).any() else "confirmed"] += 1
            y[idx] = label
        elif sha not in new:
            new[sha] = {"text": text, "y": int(label), "sha": sha, "outlet": "feedback"}
            new[sha].update({name: -1 for name in AUX_LABELS})
            counts["added"] += 1
    out = train_df.copy()
    out["y"] = y
    if new:
        extra = pd.DataFrame(list(new.values()))
        extra["marked"] = [None] * len(extra)  # nobody marked words in these: MarkedWordRates skips them
        out = pd.concat([out, extra], ignore_index=True)
    return out.reset_index(drop=True), counts


def _short_metrics(m: dict) -> dict:
    keys = ("macro_f1", "brier", "roc_auc", "precision_biased", "recall_biased", "accuracy")
    return {k: m[k] for k in keys if k in m}


def train_model(
    data_dir: Path,
    out_dir: Path,
    seed: int = SEED,
    subset: int | None = None,
    config: dict | None = None,
    log=print,
    feedback: str | Path | None = None,
) -> dict:
    """Fit the shipped model on the training part and write model, test split and metrics.json.

    With ``feedback`` (a reviewer-feedback SQLite database), the reviewers' labelled sentences are added to
    the training rows (see :func:`merge_feedback`), and the model trained without them (same seed) is
    compared with the one trained with them on the fixed test split (``metrics.json`` -> ``feedback``).
    """
    import skops.io as sio

    from annotator.classify import file_sha256

    config = dict(config or DEFAULT_CONFIG)
    t0 = time.time()
    labelled, n_decisions = load_feedback(feedback) if feedback is not None else ([], 0)
    df = load_sg2(data_dir)
    log(f"loaded {len(df)} labelled SG2 sentences from {data_dir}")
    test_hashes = make_test_split(df, seed=seed)
    train_df, test_df = split_frames(df, test_hashes)
    if subset:
        from sklearn.model_selection import train_test_split

        n = min(int(subset), len(train_df))
        if n < len(train_df):
            train_df, _ = train_test_split(train_df, train_size=n, stratify=train_df["y"], random_state=seed)
            train_df = train_df.reset_index(drop=True)
    word_lists = load_word_lists(data_dir, config)
    test_texts, y_test = _as_text(test_df), test_df["y"].to_numpy()
    fb_record = None
    if feedback is not None:
        merged, counts = merge_feedback(train_df, test_hashes, labelled)
        log(
            f"feedback {feedback}: {n_decisions} decisions -> {len(labelled)} labelled sentences: "
            f"{counts['added']} added, {counts['relabelled']} relabelled and {counts['confirmed']} confirmed "
            f"training sentences, {counts['dropped_test_split']} dropped (in the test split)"
        )
        log(f"training without feedback on {len(train_df)} sentences (for comparison, seed {seed}) ...")
        before = binary_metrics(y_test, fit_frame(config, word_lists, train_df, seed).predict_proba(test_texts)[:, 1])
        fb_record = {
            "database": str(Path(feedback).expanduser()),
            "decisions": n_decisions,
            "labelled_sentences": len(labelled),
            **counts,
            "n_train_without": len(train_df),
            "n_train_with": len(merged),
            "seed": seed,
            "test_split_n": len(test_df),
            "without_feedback": _short_metrics(before),
        }
        train_df = merged
    log(f"training on {len(train_df)} sentences; {len(test_df)} held out for testing")
    pipe = fit_frame(config, word_lists, train_df, seed)
    log(f"fitted in {time.time() - t0:.1f}s")
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / MODEL_FILE
    tmp = model_path.with_suffix(".skops.tmp")
    sio.dump(pipe, tmp)
    os.replace(tmp, model_path)
    write_test_split(out_dir / TEST_SPLIT_FILE, test_hashes)
    test = binary_metrics(y_test, pipe.predict_proba(test_texts)[:, 1])
    record = {
        "name": MODEL_NAME + (" + newsroom feedback" if fb_record else ""),
        "file": MODEL_FILE,
        "sha256": file_sha256(model_path),
        "size_bytes": model_path.stat().st_size,
        "trained_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "n_train": len(train_df),
        "n_test": len(test_df),
        "n_feedback": fb_record["added"] if fb_record else 0,
        "seed": seed,
        "subset": int(subset) if subset else None,
        "config": json.loads(json.dumps(config)),
        "versions": _versions(),
        "sklearn_version": _versions()["sklearn"],
        "data": "BABE SG2 (final_labels_SG2.csv), Spinde et al. 2021, AGPL-3.0"
        + (" + reviewer feedback" if fb_record else ""),
    }
    if config.get("embedding"):
        record["word_vectors"] = word_vectors_record()
    metrics = {
        "model": record,
        "headline": {"test_macro_f1": round(test["macro_f1"], 4), "test_brier": round(test["brier"], 4)},
        "note": "written by `annotator train`; run `annotator evaluate` for the full evaluation",
    }
    if fb_record:
        after = _short_metrics(test)
        fb_record["with_feedback"] = after
        fb_record["change"] = {
            k: after[k] - fb_record["without_feedback"][k] for k in after if k in fb_record["without_feedback"]
        }
        metrics["feedback"] = fb_record
        log(feedback_table(_r(fb_record)))
    (out_dir / METRICS_FILE).write_text(json.dumps(_r(metrics), indent=2) + "\n", encoding="utf-8")
    log(
        f"wrote {model_path} ({record['size_bytes'] / 1e6:.2f} MB, sha256 {record['sha256'][:12]}), "
        f"test macro-F1 {test['macro_f1']:.4f}"
    )
    return metrics


def feedback_table(fb: dict) -> str:
    """The before/after comparison on the test split, as printed by ``annotator train --feedback``."""
    w, a, c = fb["without_feedback"], fb["with_feedback"], fb["change"]
    lines = [
        f"test split ({fb['test_split_n']} sentences, seed {fb['seed']})  without feedback  with feedback  change",
    ]
    for key, label in (("macro_f1", "macro-F1"), ("brier", "Brier score (lower is better)"), ("roc_auc", "ROC-AUC")):
        if key in a and key in w:
            lines.append(f"  {label:36s} {w[key]:>10.4f}  {a[key]:>13.4f}  {c[key]:+.4f}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- evaluation

ABLATION = {
    "word tf-idf (1-2 grams)": {"word": True},
    "+ char tf-idf (char_wb 2-5)": {"word": True, "char": True},
    "+ char + Recasens lexicon counts": {"word": True, "char": True, "recasens": True},
    "+ char + VADER valence": {"word": True, "char": True, "vader": True},
    "+ char + quote features": {"word": True, "char": True, "quote": True},
    "+ char + annotators' marked-word rates": {"word": True, "char": True, "marked": True},
    "+ char + word vectors": {"word": True, "char": True, "embedding": True},
    "+ char + Recasens + VADER + quotes": {"word": True, "char": True, "recasens": True, "vader": True, "quote": True},
    "all (shipped configuration)": {},
    "all, marked-word rates without stemming": {"marked_stem": False},
    "all without char tf-idf": {"char": False},
    "all without the word vectors": {"embedding": None},
    "all without auxiliary-label stacking (plain logistic regression)": {"aux_stack": None},
    "all, stacking the opinion label only": {"aux_stack": {**DEFAULT_CONFIG["aux_stack"], "labels": ["opinion"]}},
    "all + project loaded-terms lexicon": {"project": True},
}


def ablation_configs(base: dict) -> dict:
    out = {}
    for name, spec in ABLATION.items():
        if not spec:
            out[name] = dict(base)
            continue
        if name.startswith("all"):
            cfg = {**base, **{k: v for k, v in spec.items() if k != "marked_stem"}}
            if "marked_stem" in spec:
                cfg["marked"] = {**base["marked"], "stem": spec["marked_stem"]}
            out[name] = cfg
            continue
        cfg = {k: False for k in ("word", "char", "recasens", "vader", "quote", "marked", "project")}
        cfg.update({k: base.get(k) for k, on in spec.items() if on})
        for k in ("dense_weight", "C", "class_weight"):
            cfg[k] = base.get(k)
        out[name] = cfg
    return out


def evaluate_test_split(model, test_df) -> dict:
    """Metrics of a loaded BiasModel on the held-out sentences (shared with the tests)."""
    proba = model.predict_proba(list(test_df["text"]))
    return binary_metrics(test_df["y"].to_numpy(), proba)


def word_level(model, test_df, lexicon_terms: set[str], top_k: int = 5) -> dict:
    """Token P/R/F1 of predicted biased words against the annotators' biased_words, micro-averaged."""
    import re

    from annotator.features import WORD_PATTERN, marked_word_sets, normalise

    gold = marked_word_sets(test_df["marked"])
    scored = model.score(list(test_df["text"]), top_k=top_k)
    toks = [set(re.findall(WORD_PATTERN, t)) for t in normalise(test_df["text"])]

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def words_of(terms):
        out: set[str] = set()
        for t, v in terms:
            if v > 0 and not t.startswith("["):
                out.update(w for w in re.findall(WORD_PATTERN, normalise([t])[0]) if w not in ENGLISH_STOP_WORDS)
        return out

    variants = {
        "model_top_positive": [words_of(terms) if p >= 0.5 else set() for p, terms in scored],
        "lexicon_hits": [ts & lexicon_terms for ts in toks],
    }
    variants["model_plus_lexicon"] = [
        a | (b if p >= 0.5 else set())
        for a, b, (p, _) in zip(variants["model_top_positive"], variants["lexicon_hits"], scored, strict=True)
    ]
    res = {}
    for name, pred in variants.items():
        tp = sum(len(p & g) for p, g in zip(pred, gold, strict=True))
        npred = sum(len(p) for p in pred)
        ngold = sum(len(g) for g in gold)
        prec = tp / npred if npred else 0.0
        rec = tp / ngold if ngold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        res[name] = {"precision": prec, "recall": rec, "f1": f1, "n_pred": npred, "n_gold": ngold}
    res["note"] = (
        f"test split, words lower-cased, micro-averaged over tokens; model words = words (English stop "
        f"words excluded) of the positive terms among the top {top_k} of sentences predicted biased; "
        "lexicon hits = words of the Recasens NPOV bias lexicon in the sentence (in the union: only for "
        "sentences predicted biased)"
    )
    return res


def crowd_vs_experts(model, test_df, mbic) -> dict:
    from sklearn.metrics import cohen_kappa_score

    if mbic is None:
        return {"available": False}
    m = mbic[mbic["label_bias"].isin(["Biased", "Non-biased"])].drop_duplicates("sha")
    m = m.set_index("sha")
    t = test_df[test_df["sha"].isin(m.index)].drop_duplicates("sha")
    crowd = (m.loc[t["sha"], "label_bias"] == "Biased").astype(int).to_numpy()
    expert = t["y"].to_numpy()
    pred = (model.predict_proba(list(t["text"])) >= 0.5).astype(int)
    n_no_agreement = int(test_df["sha"].isin(set(mbic.loc[mbic["label_bias"] == "No agreement", "sha"])).sum())
    return {
        "n": len(t),
        "n_mbic_no_agreement_in_test": n_no_agreement,
        "model_vs_crowd_agreement": float((pred == crowd).mean()) if len(t) else None,
        "model_vs_expert_agreement": float((pred == expert).mean()) if len(t) else None,
        "crowd_vs_expert_agreement": float((crowd == expert).mean()) if len(t) else None,
        "model_vs_crowd_kappa": float(cohen_kappa_score(pred, crowd)) if len(t) else None,
        "model_vs_expert_kappa": float(cohen_kappa_score(pred, expert)) if len(t) else None,
        "crowd_vs_expert_kappa": float(cohen_kappa_score(crowd, expert)) if len(t) else None,
        "crowd_biased_share": float(crowd.mean()) if len(t) else None,
        "expert_biased_share": float(expert.mean()) if len(t) else None,
    }


def evaluate(
    data_dir: Path, out_dir: Path, seed: int = SEED, n_jobs: int = 2, ablation: bool = True, log=print
) -> dict:
    """Recompute every number in metrics.json for the model in out_dir; write metrics.json + model card."""
    from annotator.classify import BiasModel

    t0 = time.time()
    model_path = out_dir / MODEL_FILE
    model = BiasModel.load(model_path)
    metrics_path = out_dir / METRICS_FILE
    old = json.loads(metrics_path.read_text(encoding="utf-8"))
    record = old["model"]
    config = record["config"]
    seed = int(record.get("seed", seed))
    df = load_sg2(data_dir)
    test_hashes = read_test_split(out_dir / TEST_SPLIT_FILE)
    if test_hashes != make_test_split(df, seed=seed):
        log("warning: test_split.txt differs from the split the seed gives; using the file")
    train_df, test_df = split_frames(df, test_hashes)
    word_lists = load_word_lists(data_dir, {**config, "recasens": True, "vader": True})
    y_all = df["y"].to_numpy()
    baselines = baseline_configs(word_lists)

    log("1/6 stratified 5-fold CV on all of SG2 ...")
    cv = {}
    for name, cfg in {"model": config, **baselines}.items():
        proba, splits = _cv_config(cfg, word_lists, df, seed, n_jobs)
        cv[name] = _cv_summary(y_all, proba, splits)
        if name == "model":
            cv[name]["brier"] = binary_metrics(y_all, proba)["brier"]
            cv[name]["calibration"] = calibration_bins(y_all, proba)
        log(f"    {name:22s} macro-F1 {cv[name]['macro_f1_mean']:.4f} ± {cv[name]['macro_f1_std']:.4f}")

    log("2/6 held-out test split ...")
    test = {"model": evaluate_test_split(model, test_df)}
    for name, cfg in baselines.items():
        test[name] = binary_metrics(
            test_df["y"].to_numpy(), _fit_predict_config(cfg, word_lists, train_df, _as_text(test_df), seed)
        )
    for name, m in test.items():
        log(f"    {name:22s} macro-F1 {m['macro_f1']:.4f}  brier {m['brier']:.4f}")

    log("3/6 leave-one-outlet-out CV ...")
    groups = df["outlet"].astype(str).to_numpy()
    loo = {}
    for name, cfg in {"model": config, "plain_word_tfidf_lr": baselines["plain_word_tfidf_lr"]}.items():
        proba, _, splits = cv_predict(cfg, word_lists, df, seed=seed, groups=groups, n_jobs=n_jobs)
        per = {}
        for _, te in splits:
            outlet = groups[te[0]]
            yt, pt = y_all[te], (proba[te] >= 0.5).astype(int)
            from sklearn.metrics import f1_score

            per[outlet] = {
                "n": len(te),
                "biased_share": float(yt.mean()),
                "macro_f1": float(f1_score(yt, pt, average="macro", labels=[0, 1], zero_division=0)),
                "accuracy": float((yt == pt).mean()),
            }
        big = [v["macro_f1"] for v in per.values() if v["n"] >= 30]
        loo[name] = {
            "per_outlet": dict(sorted(per.items(), key=lambda kv: -kv[1]["n"])),
            "mean_macro_f1_outlets_n_ge_30": float(np.mean(big)),
            "mean_macro_f1_all_outlets": float(np.mean([v["macro_f1"] for v in per.values()])),
            "pooled_macro_f1": float(f1_score(y_all, (proba >= 0.5).astype(int), average="macro")),
        }
        log(f"    {name:22s} mean macro-F1 (outlets with n>=30) {loo[name]['mean_macro_f1_outlets_n_ge_30']:.4f}")

    log("4/6 word level ...")
    from annotator.features import load_recasens_lexicons

    rec = load_recasens_lexicons(data_dir / "lexicons")
    lex_terms = {w.lower() for w in rec["npov_bias"] if " " not in w}
    words = word_level(model, test_df, lex_terms)
    log(f"    model+lexicon token F1 {words['model_plus_lexicon']['f1']:.4f}")

    log("5/6 crowd (MBIC) vs experts (SG2) ...")
    crowd = crowd_vs_experts(model, test_df, load_mbic(data_dir))
    log(
        f"    agreement with crowd {crowd.get('model_vs_crowd_agreement')}, "
        f"experts {crowd.get('model_vs_expert_agreement')}"
    )

    abl = None
    if ablation:
        log("6/6 feature ablation (5-fold CV on the training part) ...")
        abl = {}
        for name, cfg in ablation_configs(config).items():
            if cfg.get("project") and not (REPO_ROOT / "annotator/lexicon/data/loaded_terms.csv").is_file():
                abl[name] = None
                continue
            wl = load_word_lists(data_dir, {**cfg, "recasens": True, "vader": True})
            proba, _, splits = cv_predict(cfg, wl, train_df, seed=seed, n_jobs=n_jobs)
            f = fold_macro_f1(train_df["y"].to_numpy(), proba, splits)
            abl[name] = {"macro_f1_mean": float(np.mean(f)), "macro_f1_std": float(np.std(f))}
            log(f"    {name:45s} {abl[name]['macro_f1_mean']:.4f}")
    elif isinstance(old.get("ablation"), dict):
        abl = old["ablation"]

    metrics = {
        "model": record,
        "headline": {
            "cv_macro_f1": cv["model"]["macro_f1_mean"],
            "test_macro_f1": test["model"]["macro_f1"],
            "test_roc_auc": test["model"].get("roc_auc"),
            "test_brier": test["model"]["brier"],
            "loo_outlet_mean_macro_f1": loo["model"]["mean_macro_f1_outlets_n_ge_30"],
            "word_level_f1": words["model_plus_lexicon"]["f1"],
            "word_level_f1_model_words_only": words["model_top_positive"]["f1"],
        },
        "protocol": {
            "cv": f"stratified {N_FOLDS}-fold CV (shuffle, seed {seed}) on all {len(df)} labelled SG2 sentences; "
            "every vectorizer and lexicon rate refitted inside each fold",
            "test_split": f"{len(test_df)} sentences (20%, stratified by label x outlet, seed {seed}), listed by "
            "SHA-256 in test_split.txt; the shipped model is trained on the other "
            f"{len(train_df)}",
            "loo_outlet": "train on all outlets but one, test on it; mean over outlets with >= 30 sentences",
            "threshold": 0.5,
        },
        "cv_5fold": cv,
        "test": test,
        "leave_one_outlet_out": loo,
        "word_level": words,
        "crowd_vs_experts": crowd,
        "ablation": abl,
        **({"feedback": old["feedback"]} if old.get("feedback") else {}),
        "evaluated_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "evaluate_seconds": round(time.time() - t0, 1),
    }
    metrics = _r(metrics)
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out_dir / CARD_FILE).write_text(model_card(metrics), encoding="utf-8")
    log(f"wrote {metrics_path} and {out_dir / CARD_FILE} in {time.time() - t0:.0f}s")
    return metrics


# Ideas measured while building the shipped recipe and not kept (not recomputed by `annotator evaluate`).
TRIED_NOTE = [
    "Tried and not kept (stratified 5-fold CV macro-F1 on the training part, split seed 42, before opinion",
    "stacking; the shipped recipe without stacking scores 0.772 on these folds): MBIC crowd-marked words as extra",
    "marking data for the marked-word rates (0.767–0.771), TF-IDF columns reweighted by naive-Bayes ratios",
    "(0.751–0.770) or by marked-word rates (0.768–0.770), a second marked-rate block without stemming (0.770),",
    "marked rates split into the author's and the quoted words (0.772), character n-grams 3–5 / 2–4 / 3–6",
    "(0.770 / 0.770 / 0.772), word 1–3-grams (0.775; +0.002 on average over 4 split seeds), averaging the",
    "logits of up to three differently configured models (≤ 0.777, best of 200 combinations), down-weighting",
    "sentences where MBIC's crowd disagrees with the experts (0.775), and the MBIC crowd label as the auxiliary",
    "label (0.765).",
    "Opinion stacking was kept: +0.0045 on average over 4 split seeds (0.7717 → 0.7789 on seed 42).",
    "",
    "Second round (stratified 5-fold CV on all of SG2, mean over split seeds 1, 2, 3; the recipe before this round",
    "scores 0.774): the word vectors were kept (plain mean 0.779, TF-IDF-weighted mean 0.779, weight 2; with",
    "stop words removed 0.776 on seed 42; standardised 0.773–0.777; 64 PCA dimensions 0.781 vs 128 dimensions 0.782",
    "with the centre-outlet label). A full MiniLM sentence embedding (the transformer run on every sentence, not",
    "kept: far too slow for this tool) reaches 0.790 on seed 42, which bounds what the distilled vectors can give.",
    "Auxiliary labels beside the opinion label: outlet rated centre 0.782 (kept: BABE's own metadata), a",
    "hand-picked 'partisan outlet' set 0.782 (not kept: choosing the set looked at the bias rates), both 0.782.",
    "Not kept: BABE's bias-word lexicon (bias_word_lexicon.xlsx) as a word-list count (0.775 vs 0.774; 0.779 vs",
    "0.779 with the vectors), word 1–3-grams with the vectors (0.778), C = 2 / 5 (0.780 / 0.778).",
    "Those comparisons used CV on all of SG2, whose folds include the test-split sentences; a check on the",
    "training part alone (test split excluded, split seeds 1–5) gives: previous recipe 0.768, + word vectors",
    "0.775 (better on 4 of 5 seeds), previous + centre-outlet label 0.770, shipped 0.775, shipped without",
    "character n-grams 0.774 (0.780 on all of SG2, seeds 1, 2, 3, 42). So the vectors' gain holds; the",
    "centre-outlet label's (+0.0025 on all of SG2, +0.0002 on the training part) is within noise, and the",
    "shipped model's CV macro-F1 clears 0.78 by less than one fold's standard deviation (with split seeds",
    "1 to 5 instead of 42: mean 0.781, range 0.778–0.785).",
]


def model_card(m: dict) -> str:
    rec, cv, test, loo = m["model"], m["cv_5fold"], m["test"], m["leave_one_outlet_out"]
    names = {
        "model": "**this model**",
        "plain_word_tfidf_lr": "plain word TF-IDF + LogisticRegression",
        "lexicon_hits_only": "lexicon hits only (Recasens counts + LR)",
        "majority_class": "majority class",
    }

    def g(d, k):
        v = d.get(k)
        return "–" if v is None else f"{v:.3f}"

    lines = [
        f"# Model card: {rec.get('name') or MODEL_NAME} (`{rec.get('file', MODEL_FILE)}`)",
        "",
        f"model_id `{rec['sha256'][:12]}` · trained {rec['trained_at']} · {rec['n_train']} training sentences · "
        f"scikit-learn {rec['versions']['sklearn']}, numpy {rec['versions']['numpy']}, "
        f"Python {rec['versions']['python']}",
        "",
        "## What it is",
        "",
        "A scikit-learn `Pipeline`: word 1–2-gram TF-IDF + character 2–5-gram TF-IDF (`char_wb`) + scaled counts of",
        "Recasens et al. (2013) bias-related word lists, VADER valence sums, quote features and the rate at which",
        "annotators marked each word as biased in the training data → logistic regression.",
        *(
            [
                "Each sentence also gets the TF-IDF-weighted mean of static word vectors: 128-dimensional vectors",
                f"for {VECTOR_VOCAB_NOTE},",
                "distilled from the sentence encoder all-MiniLM-L6-v2 (Apache-2.0) by encoding each word on its own",
                "(`scripts/distill_word_vectors.py`, the only step that needs PyTorch; the vectors",
                "ship as `annotator/data/word_vectors.npz`"
                + (f", SHA-256 `{rec['word_vectors']['sha256'][:12]}`" if rec.get("word_vectors") else "")
                + "). No neural network runs when scoring, and because the mean",
                "is linear each word's share of the score is still exact. The vectors let the model generalise to",
                "words it never saw in training (similar words get similar weights).",
            ]
            if rec.get("config", {}).get("embedding")
            else []
        ),
        *(
            [
                "The logistic regression is helped by auxiliary ones on the same features that learn two related",
                "labels of the training sentences: BABE's \"expresses the writer's opinion\" (given by the same",
                "experts) and whether the sentence's outlet is rated centre (BABE's outlet leaning: Reuters and USA",
                "Today; BABE gives no leaning for 1,000 sentences, which that model skips). Their logits, cross-fitted",
                "on the training sentences, are extra inputs, and after fitting everything collapses exactly into one",
                "set of weights (`AuxStackedLogisticRegression`), so nothing changes at prediction time. The outlet",
                "label teaches the model what wire-style reporting reads like; it is never an input, and the",
                "leave-one-outlet-out scores below measure outlets the model never saw.",
            ]
            if rec.get("config", {}).get("aux_stack")
            else []
        ),
        "The final model is linear: a sentence's log-odds is the sum of coefficient × feature value, and",
        "`annotator.classify` attributes each contribution to a word of the sentence (the `top_terms` shown in the",
        "app). The output is the logistic probability, whose calibration is measured below (Brier score,",
        "reliability bins).",
        "",
        "## Data",
        "",
        "BABE – Bias Annotations By Experts, subgroup SG2 (`final_labels_SG2.csv`): 3,673 English news sentences",
        "from 11 US outlets (2017–2020ish, US politics and society), labelled Biased / Non-biased by expert",
        'majority vote, with the words annotators marked as biased (one sentence with "No agreement" dropped).',
        "T. Spinde, M. Plank, J.-D. Krieger, T. Ruas, B. Gipp, A. Aizawa. *Neural Media Bias Detection Using Distant",
        "Supervision With BABE – Bias Annotations By Experts*. Findings of EMNLP 2021. Licence: **AGPL-3.0**; the",
        "model is derived from this data. Word lists: Recasens, Danescu-Niculescu-Mizil & Jurafsky (2013), ACL (MIT,",
        "via rpryzant/neutralizing-bias); VADER lexicon from the `vaderSentiment` package (MIT). MBIC crowd labels",
        "(Spinde et al. 2021) are used for evaluation only (tried as extra marked words and as an auxiliary label,",
        "they did not improve cross-validation).",
        "",
        "## Intended use",
        "",
        "Flag sentences that *read* as biased so that a journalist or editor looks at them again. It is not a",
        "verdict on a sentence, an author or an outlet: "
        f"{1 - test['model']['accuracy']:.0%} of its test-split calls disagree with the",
        "experts, and the experts themselves disagree with crowd annotators on many sentences (see below).",
        "",
        "## Metrics (threshold 0.5)",
        "",
        "| | 5-fold CV macro-F1 (all SG2) | test macro-F1 | test precision | test recall | test ROC-AUC | test Brier |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in ("model", "plain_word_tfidf_lr", "lexicon_hits_only", "majority_class"):
        c, t = cv[k], test[k]
        lines.append(
            f"| {names[k]} | {c['macro_f1_mean']:.3f} ± {c['macro_f1_std']:.3f} | {t['macro_f1']:.3f} | "
            f"{t['precision_biased']:.3f} | {t['recall_biased']:.3f} | {g(t, 'roc_auc')} | {t['brier']:.3f} |"
        )
    lines += [
        "",
        "Published anchor: BABE's BERT with distant supervision reaches 0.804 macro-F1 (5-fold CV on SG2).",
        f"Protocol: {m['protocol']['cv']}. Test split: {m['protocol']['test_split']}.",
        "",
        "Calibration on the test split (predicted probability vs fraction biased):",
        "",
        "| bin | n | mean predicted | fraction biased |",
        "|---|---|---|---|",
    ]
    for b in test["model"]["calibration"]:
        lines.append(f"| {b['bin']} | {b['n']} | {b['mean_predicted']:.3f} | {b['fraction_biased']:.3f} |")
    lines += [
        "",
        "### Leave-one-outlet-out (train on the other outlets)",
        "",
        "| outlet | n | biased share | macro-F1 | accuracy |",
        "|---|---|---|---|---|",
    ]
    for o, v in loo["model"]["per_outlet"].items():
        lines.append(f"| {o} | {v['n']} | {v['biased_share']:.2f} | {v['macro_f1']:.3f} | {v['accuracy']:.3f} |")
    lines += [
        "",
        f"Mean macro-F1 over outlets with ≥ 30 sentences: **{loo['model']['mean_macro_f1_outlets_n_ge_30']:.3f}** "
        f"(plain TF-IDF baseline {loo['plain_word_tfidf_lr']['mean_macro_f1_outlets_n_ge_30']:.3f}); pooled "
        f"{loo['model']['pooled_macro_f1']:.3f}. Per-outlet macro-F1 is low where an outlet is nearly all one class",
        "(macro-F1 then punishes the few minority sentences); accuracy is shown beside it.",
        "",
        "### Word level (test split)",
        "",
        "| predicted words | precision | recall | F1 |",
        "|---|---|---|---|",
    ]
    for k in ("model_top_positive", "lexicon_hits", "model_plus_lexicon"):
        v = m["word_level"][k]
        lines.append(f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} |")
    lines += ["", m["word_level"]["note"] + ".", ""]
    c = m["crowd_vs_experts"]
    if c.get("n"):
        lines += [
            "### Crowd (MBIC) vs experts (SG2), test-split sentences also in MBIC",
            "",
            f"n = {c['n']}. Agreement (Cohen's κ): model vs experts {c['model_vs_expert_agreement']:.3f} "
            f"({c['model_vs_expert_kappa']:.3f}); model vs crowd {c['model_vs_crowd_agreement']:.3f} "
            f"({c['model_vs_crowd_kappa']:.3f}); crowd vs experts {c['crowd_vs_expert_agreement']:.3f} "
            f"({c['crowd_vs_expert_kappa']:.3f}). The crowd calls {c['crowd_biased_share']:.0%} of these sentences "
            f"biased, the experts {c['expert_biased_share']:.0%}.",
            "",
        ]
    if m.get("ablation"):
        lines += [
            "### Feature ablation (stratified 5-fold CV macro-F1 on the training part only)",
            "",
            "| features | macro-F1 |",
            "|---|---|",
        ]
        for k, v in m["ablation"].items():
            lines.append(
                f"| {k} | "
                + ("not available" if v is None else f"{v['macro_f1_mean']:.3f} ± {v['macro_f1_std']:.3f}")
                + " |"
            )
        lines += ["", *TRIED_NOTE, ""]
    fb = m.get("feedback")
    if fb:
        lines += [
            "### Reviewer feedback",
            "",
            f"Trained with a newsroom's reviewer decisions ({fb['database']}): {fb['decisions']} decisions gave "
            f"{fb['labelled_sentences']} labelled sentences; {fb['added']} were added as training rows, "
            f"{fb['relabelled']} training sentences took the reviewers' label, {fb['dropped_test_split']} were "
            "dropped because they are in the test split. Test split, same seed:",
            "",
            "```",
            feedback_table(fb),
            "```",
            "",
            "Cross-validation and leave-one-outlet-out numbers above are for the training recipe on SG2 alone.",
            "",
        ]
    lines += [
        "## Known limits",
        "",
        "- Domain: US politics and society news, roughly 2017–2020, 11 outlets; other topics, countries and",
        "  registers (opinion columns, wire copy from elsewhere) are out of distribution.",
        "- English only; sentence level (no article context, no speaker: a biased *quote* can make a sentence",
        "  score high even when the reporter's own words are neutral).",
        "- Outlet effects: outlets differ sharply in their share of biased sentences (Reuters ≈ 10%, Alternet ≈ 75%),",
        "  and a bag-of-words model partly learns outlet style; leave-one-outlet-out scores above show how much",
        "  is lost on an unseen outlet.",
        "- Explanations show which words the linear model weighed, not why a human finds the sentence biased;",
        "  character n-gram weights are attributed to the whitespace token they came from.",
        "- Labels are expert majority votes on a subjective task; crowd annotators disagree with them often.",
        "",
        "## Retrain / re-evaluate",
        "",
        "```",
        "annotator train      # or: python -m annotator.train train [--data-dir DIR] [--out models] [--seed 42]",
        "annotator evaluate   # or: python -m annotator.train evaluate  (rewrites metrics.json and this card)",
        "annotator train --feedback feedback.sqlite3 --out newsroom-model   # add reviewers' decisions",
        "ANNOTATOR_MODEL_DIR=newsroom-model annotator annotate article.txt  # app and CLI use that model",
        "```",
        "",
        "`--feedback DB` adds the sentences reviewers agreed or disagreed with (see `annotator.feedback`) as",
        "training rows, never a sentence of the test split, relabels training sentences they judged, and",
        "prints and records (metrics.json → `feedback`) the test-split macro-F1 and Brier score of the model",
        "trained without and with them (same seed). `--out DIR` writes the model, metrics.json and test split to",
        "a folder of its own; `ANNOTATOR_MODEL_DIR=DIR` makes the app, the CLI and `BiasModel.load()` use",
        "`DIR/bias_model.skops` (checked against `DIR/metrics.json`) instead of the bundled `models/`.",
        "",
        "Data are read from `../shared/data` (or `--data-dir`, or `$ANNOTATOR_DATA_DIR`) and never copied into the",
        "repository. Training is deterministic for a given seed and library versions (recorded in metrics.json):",
        "a retrained model gives identical predictions, but the file's bytes (and so its SHA-256 / model_id)",
        "differ between runs because the skops zip archive records write times. `annotator train` rewrites",
        "metrics.json with the new SHA-256 (the loader refuses a model file whose hash does not match it);",
        "run `annotator evaluate` afterwards to recompute the full evaluation and this card.",
        "",
    ]
    return "\n".join(lines)


def _add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder with babe/ and lexicons/ (default: $ANNOTATOR_DATA_DIR or ../shared/data)",
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_MODELS_DIR),
        metavar="DIR",
        help="models folder (default: models/); use the model in DIR with ANNOTATOR_MODEL_DIR=DIR",
    )
    parser.add_argument("--subset", type=int, default=None, help="train on only N sentences (quick tests)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common_arguments(parser)
    parser.add_argument(
        "--feedback",
        metavar="DB",
        default=None,
        help="reviewer-feedback database (SQLite): add its agreed/disagreed sentences as training rows "
        "(never test-split sentences) and report the test-split change",
    )


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common_arguments(parser)
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel CV fits (default 2)")
    parser.add_argument("--skip-ablation", action="store_true", help="do not recompute the feature ablation")


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def run_train(args) -> int:
    try:
        feedback = getattr(args, "feedback", None)
        if feedback is not None:
            load_feedback(feedback)  # fail fast, before the data are read
        data_dir = resolve_data_dir(args.data_dir)
        train_model(data_dir, Path(args.out), seed=args.seed, subset=args.subset, feedback=feedback)
    except DataError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    return 0


def run_evaluate(args) -> int:
    from annotator.classify import ModelError

    try:
        data_dir = resolve_data_dir(args.data_dir)
        evaluate(
            data_dir,
            Path(args.out),
            seed=args.seed,
            n_jobs=getattr(args, "n_jobs", 2),
            ablation=not getattr(args, "skip_ablation", False),
        )
    except (DataError, ModelError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annotator.train", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    add_train_arguments(sub.add_parser("train", help="fit the model and write models/"))
    add_evaluate_arguments(sub.add_parser("evaluate", help="recompute models/metrics.json and MODEL_CARD.md"))
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("train", "evaluate", "-h", "--help"):
        argv.insert(0, "train")
    args = parser.parse_args(argv)
    if args.command == "evaluate":
        return run_evaluate(args)
    return run_train(args)


if __name__ == "__main__":
    sys.exit(main())
