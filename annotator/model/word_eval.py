"""Evaluation of loaded-language detection: word level on BABE, span level on BASIL (evaluation only).

- ``babe_word_level``: token precision, recall and F1 of the loaded-word model against the words BABE's
  experts marked, on the held-out test split's sentences (all of them, biased or not), plus ROC-AUC and Brier.
- ``basil_span_level``: on the 300 BASIL articles, for a detector set: recall of lexical-bias spans (a span
  counts when any flag overlaps it), precision (share of flags that fall inside any annotated bias span,
  lexical or informational) and flags per 1,000 words. Thresholds are never tuned here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from annotator.document import Span
from annotator.model.basil import BasilArticle
from annotator.pipeline import SpanIndex
from annotator.textnorm import WORD_RE, fold


def babe_word_level(model, texts: Sequence[str], marks: Sequence[frozenset[str]], threshold: float) -> dict:
    """Token-level scores of a LoadedWordModel on sentences with expert marks."""
    from sklearn.metrics import brier_score_loss, precision_recall_fscore_support, roc_auc_score

    from annotator.model.word_data import token_labels
    from annotator.model.word_features import sentence_tokens

    probs: list[float] = []
    tokens_all = []
    for text in texts:
        tokens, standing = sentence_tokens(text)
        tokens_all.append(tokens)
        probs.extend(s.probability for s in model.score_tokens(text, tokens, 0, standing))
    y = np.asarray(token_labels(tokens_all, list(marks)))
    p = np.asarray(probs)
    prec, rec, f1, _ = precision_recall_fscore_support(y, p >= threshold, average="binary", zero_division=0)
    return {
        "n_sentences": len(texts),
        "n_tokens": len(y),
        "n_marked": int(y.sum()),
        "threshold": threshold,
        "precision": round(float(prec), 4),
        "recall": round(float(rec), 4),
        "f1": round(float(f1), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
    }


def basil_span_level(articles: Sequence[BasilArticle], flag: Callable[[str], Iterable[Span]]) -> dict:
    """Span-level recall/precision of the flags ``flag(text)`` gives on each article."""
    lex_total = lex_found = flags = flags_in = words = 0
    by_source: dict[str, list[int]] = {}
    for article in articles:
        spans = sorted({(f.start, f.end) for f in flag(article.text)})
        flagged = [Span(s, e) for s, e in spans]
        words += sum(1 for _ in WORD_RE.finditer(article.text))
        bias = SpanIndex((b.span.start, b.span.end) for b in article.spans)
        inside = sum(1 for f in flagged if bias.overlaps(f.start, f.end))
        flag_index = SpanIndex(spans)
        lex = [b for b in article.spans if b.bias == "lex"]
        found = sum(1 for b in lex if flag_index.overlaps(b.span.start, b.span.end))
        lex_total += len(lex)
        lex_found += found
        flags += len(flagged)
        flags_in += inside
        src = by_source.setdefault(article.source, [0, 0, 0, 0])
        src[0] += len(lex)
        src[1] += found
        src[2] += len(flagged)
        src[3] += inside
    return {
        "articles": len(articles),
        "lexical_spans": lex_total,
        "recall_lexical": round(lex_found / lex_total, 4) if lex_total else None,
        "precision": round(flags_in / flags, 4) if flags else None,
        "flags": flags,
        "flags_per_1000_words": round(1000 * flags / words, 2) if words else None,
        "by_source": {
            s: {
                "recall_lexical": round(v[1] / v[0], 4) if v[0] else None,
                "precision": round(v[3] / v[2], 4) if v[2] else None,
            }
            for s, v in sorted(by_source.items())
        },
    }


def annotator_flagger(annotator, detectors: set[str]) -> Callable[[str], list[Span]]:
    """Flags of an Annotator restricted to some detector ids."""

    def flag(text: str) -> list[Span]:
        return [a.span for a in annotator.annotate(text).annotations if a.detector in detectors]

    return flag


def word_list_flagger(words: Iterable[str]) -> Callable[[str], list[Span]]:
    """The plain word-list baseline: every word whose folded form is in ``words``."""
    vocab = frozenset(fold(w) for w in words)

    def flag(text: str) -> list[Span]:
        return [Span(m.start(), m.end()) for m in WORD_RE.finditer(text) if fold(m.group()) in vocab]

    return flag


def basil_sentence_auc(articles: Sequence[BasilArticle], model) -> dict:
    """ROC-AUC of a sentence model's scores against "the sentence holds a lexical or informational bias
    span" over every BASIL body sentence (titles included)."""
    from sklearn.metrics import roc_auc_score

    from annotator.model.basil import basil_sentences

    texts, labels = basil_sentences(list(articles))
    probs = np.asarray(model.predict_proba(texts))
    if probs.ndim == 2:
        probs = probs[:, 1]
    return {
        "n_sentences": len(texts),
        "positive_share": round(float(np.mean(labels)), 4),
        "roc_auc": round(float(roc_auc_score(labels, probs)), 4),
    }


def subjective_baseline_words(data_dir: Path) -> list[str]:
    """Recasens NPOV bias words + Riloff strong subjectives (the baseline named in the issue)."""
    from annotator.model.features import load_recasens_lexicons

    lists = load_recasens_lexicons(data_dir / "lexicons")
    return list(lists.get("npov_bias", [])) + list(lists.get("strong_subjective", []))


def _word_level_sets(texts: Sequence[str], marks: Sequence[frozenset[str]], predict) -> dict:
    """Token P/R/F1 where ``predict(text)`` gives the set of folded words flagged in a sentence."""
    tp = npred = ngold = 0
    for text, gold in zip(texts, marks, strict=True):
        tokens = [m.group() for m in WORD_RE.finditer(text)]
        folded = [fold(t) for t in tokens]
        flagged = predict(text)
        pred = [w in flagged for w in folded]
        truth = [w in gold for w in folded]
        tp += sum(p and g for p, g in zip(pred, truth, strict=True))
        npred += sum(pred)
        ngold += sum(truth)
    prec = tp / npred if npred else 0.0
    rec = tp / ngold if ngold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "flagged": npred}


def _flagged_words(annotator, detectors: set[str]):
    def predict(text: str) -> set[str]:
        doc = annotator.annotate(text)
        out: set[str] = set()
        for a in doc.annotations:
            if a.detector in detectors:
                out.update(fold(m.group()) for m in WORD_RE.finditer(doc.evidence(a.span)))
        return out

    return predict


def evaluate_words(data_dir: Path, models_dir: Path, log=print) -> dict:
    """Every number of the loaded-word detector's section of metrics.json (see the module docstring)."""
    import time

    from annotator.model.basil import load_basil
    from annotator.model.data import TEST_SPLIT_FILE, read_test_split
    from annotator.model.word_data import load_marked
    from annotator.model.words import MODEL_FILE, LoadedWordModel
    from annotator.pipeline import Annotator

    t0 = time.time()
    model = LoadedWordModel.load(models_dir / MODEL_FILE.name)
    _, test = load_marked(data_dir, read_test_split(models_dir / TEST_SPLIT_FILE))
    log(f"loaded-word detector: BABE test split ({len(test.texts)} sentences)")
    subjective = subjective_baseline_words(data_dir)
    both = Annotator(model=None, detectors=["lexicon", "loaded_word"])
    engines = {
        "lexicon": (both, {"lexicon"}),
        "detector": (Annotator(model=None, detectors=["loaded_word"]), {"loaded_word"}),
        "both": (both, {"lexicon", "loaded_word"}),
    }
    for engine, _ in engines.values():
        for d in engine.detectors:
            if d.id == "loaded_word":
                d.model = model
                d.threshold = model.threshold
    subjective_set = frozenset(fold(w) for w in subjective)
    babe = {
        "model_tokens": babe_word_level(model, test.texts, test.expert, model.threshold),
        "spans": {
            name: _word_level_sets(test.texts, test.expert, _flagged_words(engine, ids))
            for name, (engine, ids) in engines.items()
        },
    }
    babe["spans"]["subjective_list"] = _word_level_sets(
        test.texts, test.expert, lambda t: {fold(m.group()) for m in WORD_RE.finditer(t)} & subjective_set
    )
    out: dict = {
        "model": {
            k: model.info[k]
            for k in ("name", "threshold", "cv", "config", "n_training_sentences", "data")
            if k in model.info
        },
        "babe_test": babe,
    }
    basil_dir = data_dir / "basil"
    if basil_dir.is_dir():
        articles = load_basil(basil_dir)
        log(f"loaded-word detector: BASIL ({len(articles)} articles, evaluation only)")
        basil = {
            name: basil_span_level(articles, annotator_flagger(engine, ids)) for name, (engine, ids) in engines.items()
        }
        basil["subjective_list"] = basil_span_level(articles, word_list_flagger(subjective))
        out["basil"] = basil
        from annotator.model.data import MODEL_FILE as SENTENCE_MODEL_FILE
        from annotator.model.sentence import BiasModel

        sentence_model = models_dir / SENTENCE_MODEL_FILE
        if sentence_model.is_file():
            out["basil_sentence_auc"] = basil_sentence_auc(articles, BiasModel.load(sentence_model))
    out["seconds"] = round(time.time() - t0, 1)
    return out
