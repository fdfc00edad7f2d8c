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

    texts: list[str] = []
    labels: list[int] = []
    for article in articles:
        bias = SpanIndex((b.span.start, b.span.end) for b in article.spans)
        for s in article.sentences:
            if s.end > s.start:
                texts.append(article.text[s.start : s.end])
                labels.append(int(bias.overlaps(s.start, s.end)))
    probs = np.asarray(model.predict_proba(texts))
    if probs.ndim == 2:
        probs = probs[:, 1]
    return {"n_sentences": len(texts), "positive_share": round(float(np.mean(labels)), 4),
            "roc_auc": round(float(roc_auc_score(labels, probs)), 4)}


def subjective_baseline_words(data_dir: Path) -> list[str]:
    """Recasens NPOV bias words + Riloff strong subjectives (the baseline named in the issue)."""
    from annotator.features import load_recasens_lexicons

    lists = load_recasens_lexicons(data_dir / "lexicons")
    return list(lists.get("npov_bias", [])) + list(lists.get("strong_subjective", []))
