"""Evaluation of the sentence classifier: cross-validation, test split, leave-one-outlet-out, word level,
crowd vs experts, baselines and the feature ablation (``annotator evaluate`` writes models/metrics.json)."""

from __future__ import annotations

import datetime as _dt
import json
import time
from pathlib import Path

import numpy as np

from annotator.model.card import model_card
from annotator.model.data import (
    CARD_FILE,
    METRICS_FILE,
    MODEL_FILE,
    N_FOLDS,
    REPO_ROOT,
    SEED,
    TEST_SPLIT_FILE,
    load_mbic,
    load_sg2,
    make_test_split,
    read_test_split,
)
from annotator.model.metrics import _r, binary_metrics, calibration_bins
from annotator.model.training import (
    CHAR_NGRAMS,
    DEFAULT_CONFIG,
    _as_text,
    cv_predict,
    fit_frame,
    fold_macro_f1,
    load_word_lists,
    split_frames,
)

# ----------------------------------------------------------------------------------- baselines


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


# ---------------------------------------------------------------------------------- evaluation

ABLATION = {
    "word tf-idf (1-2 grams)": {"word": True},
    "+ char tf-idf ({char})": {"word": True, "char": True},
    "+ char + Recasens lexicon counts": {"word": True, "char": True, "recasens": True},
    "+ char + VADER valence": {"word": True, "char": True, "vader": True},
    "+ char + quote features": {"word": True, "char": True, "quote": True},
    "+ char + annotators' marked-word rates": {"word": True, "char": True, "marked": True},
    "+ char + word vectors": {"word": True, "char": True, "embedding": True},
    "+ char + Recasens + VADER + quotes": {"word": True, "char": True, "recasens": True, "vader": True, "quote": True},
    "all (shipped configuration)": {},
    "all, marked-word rates without stemming": {"marked_stem": False},
    "all without char tf-idf": {"char": False},  # "all + char tf-idf ({char})" when the shipped model has none
    "all without the word vectors": {"embedding": None},
    "all without auxiliary-label stacking (plain logistic regression)": {"aux_stack": None},
    "all, stacking the opinion label only": {"aux_stack": {**DEFAULT_CONFIG["aux_stack"], "labels": ["opinion"]}},
    "all + project loaded-terms lexicon": {"project": True},
}


def ablation_configs(base: dict) -> dict:
    """The ablation's configurations built from ``base``, by row name. The "+ char" rows use ``base``'s
    character n-gram block, or ``CHAR_NGRAMS`` when it has none (their names say which n-gram lengths);
    then "all without char tf-idf" (which would repeat the shipped row) becomes "all + char tf-idf"."""
    out = {}
    char = base.get("char") or CHAR_NGRAMS
    lo, hi = char.get("ngram_range", (2, 5))
    label = f"char_wb {lo}-{hi}"
    for template, spec in ABLATION.items():
        name = template.format(char=label)
        if not spec:
            out[name] = dict(base)
            continue
        if spec == {"char": False} and not base.get("char"):
            out[f"all + char tf-idf ({label})"] = {**base, "char": CHAR_NGRAMS}
            continue
        if name.startswith("all"):
            cfg = {**base, **{k: v for k, v in spec.items() if k != "marked_stem"}}
            if "marked_stem" in spec:
                cfg["marked"] = {**base["marked"], "stem": spec["marked_stem"]}
            out[name] = cfg
            continue
        cfg = {k: False for k in ("word", "char", "recasens", "vader", "quote", "marked", "project")}
        cfg.update({k: base.get(k) for k, on in spec.items() if on})
        if spec.get("char"):
            cfg["char"] = char
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

    from annotator.model.features import WORD_PATTERN, marked_word_sets, normalise

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
    from annotator.model.sentence import BiasModel

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
    from annotator.model.features import load_recasens_lexicons

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
        **({"loaded_word": old["loaded_word"]} if old.get("loaded_word") else {}),
        "evaluated_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "evaluate_seconds": round(time.time() - t0, 1),
    }
    metrics = _r(metrics)
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out_dir / CARD_FILE).write_text(model_card(metrics), encoding="utf-8")
    log(f"wrote {metrics_path} and {out_dir / CARD_FILE} in {time.time() - t0:.0f}s")
    return metrics
