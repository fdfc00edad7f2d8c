"""Sentence scores grounded in words: the sentence classifier stacked with the loaded-word detector.

The final log-odds of a sentence is

    intercept + a * (sentence classifier's log-odds)
              + b * (sum of its words' loaded-word probabilities)
              + c * (the largest of them) + d * (how many reach the detector's threshold)

The four weights come from a logistic regression fitted on out-of-fold values for the BABE training part
(``fit_stack``: both models refitted inside every fold, so no sentence is scored by a model that saw it).
Every part is attributed to words, so explanations stay exact: the classifier's word terms are scaled by
``a``, and each word adds ``b * p`` (+ ``c * p`` if it is the sentence's most loaded word, + ``d`` if it is
flagged). Stored as models/sentence_stack.json; without that file the plain classifier is used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annotator.model.sentence import COMMON_WORDS, FUNCTION_WORDS, BiasModel, ModelError, _display_memo, _sigmoid

STACK_FILE = "sentence_stack.json"
FORMAT_VERSION = 1
_KEYS = ("logit", "sum", "max", "count")


# (text, word tokens with offsets into that text, their loaded-word probabilities) of one sentence
Evidence = tuple[str, Sequence[Any], np.ndarray]


class StackError(ModelError):
    """The stack file is unreadable or malformed (a one-line message)."""


class _Flat:
    """The word probabilities of a batch of sentences as one array, with each sentence's start and length."""

    def __init__(self, evidence: Sequence[Evidence]):
        self.lengths = np.fromiter((len(p) for _, _, p in evidence), dtype=np.int64, count=len(evidence))
        self.ends = np.cumsum(self.lengths)
        self.starts = self.ends - self.lengths
        self.full = self.lengths > 0  # sentences with at least one word
        parts = [np.asarray(p, dtype=np.float64) for _, _, p in evidence]
        self.probs = np.concatenate(parts) if parts else np.zeros(0)

    def features(self, threshold: float) -> np.ndarray:
        """(sum, max, count at or over ``threshold``) of each sentence's word probabilities, (n, 3); zeros for a
        sentence without words. Each row comes from its own sentence only (batch-independent)."""
        feats = np.zeros((len(self.lengths), 3))
        if self.full.any():
            starts = self.starts[self.full]
            feats[self.full, 0] = np.add.reduceat(self.probs, starts)
            feats[self.full, 1] = np.maximum.reduceat(self.probs, starts)
            feats[self.full, 2] = np.add.reduceat((self.probs >= threshold).astype(np.float64), starts)
        return feats


class StackedBiasModel:
    """A BiasModel whose scores and explanations also count the loaded-word model's evidence."""

    def __init__(self, base: BiasModel, words, record: dict):
        self.base = base
        self.words = words
        self.record = record
        w = record["weights"]
        self._a, self._b, self._c, self._d = (float(w[k]) for k in _KEYS)
        self._intercept = float(record["intercept"])
        self._threshold = float(record["word_threshold"])
        self.info = {
            **base.info,
            "model_id": f"{base.info.get('model_id', '')}+{str(words.info.get('sha256', ''))[:8]}",
            "stacked_with_words": True,
            "word_model_sha256": words.info.get("sha256"),
            **{k: v for k, v in record.get("headline", {}).items()},
        }

    def _evidence(self, texts: Sequence[str]) -> list[Evidence]:
        """Each sentence's word tokens and their probabilities, scoring the sentence on its own."""
        from annotator.model.word_features import sentence_tokens

        tokenised = [sentence_tokens(t) for t in texts]
        scores = self.words.score_sentences([t for t, _ in tokenised], [s for _, s in tokenised])
        out = []
        pos = 0
        for text, (tokens, _) in zip(texts, tokenised, strict=True):
            n = len(tokens)
            out.append((text, tokens, scores.probability[pos : pos + n]))
            pos += n
        return out

    def _final(self, base_p: np.ndarray, flat: _Flat) -> np.ndarray:
        p = np.clip(np.asarray(base_p, dtype=np.float64), 1e-12, 1 - 1e-12)
        logit = np.log(p / (1 - p))
        feats = flat.features(self._threshold)
        # element-wise (no matrix product): a sentence's score must not depend on the batch it is scored in
        z = self._intercept + self._a * logit + self._b * feats[:, 0] + self._c * feats[:, 1] + self._d * feats[:, 2]
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, sentences: Sequence[str], evidence: Sequence[Evidence] | None = None) -> np.ndarray:
        texts = ["" if s is None else str(s) for s in sentences]
        if not texts:
            return np.zeros(0)
        return self._final(self.base.predict_proba(texts), _Flat(self._checked(texts, evidence)))

    def _checked(self, texts: list[str], evidence: Sequence[Evidence] | None) -> Sequence[Evidence]:
        if evidence is None:
            return self._evidence(texts)
        if len(evidence) != len(texts):
            raise ValueError(f"{len(evidence)} evidence entries for {len(texts)} sentences")
        return evidence

    def score(
        self, sentences: list[str], top_k: int = 5, evidence: Sequence[Evidence] | None = None
    ) -> list[tuple[float, tuple[tuple[str, float], ...]]]:
        """Like ``BiasModel.score``: (probability, top terms), the terms now counting the word evidence.

        A term's weight is everything the stacked log-odds owes to it: its classifier contributions (times the
        stack's weight of the classifier's log-odds) plus its words' evidence, summed over the sentence before
        the terms are ranked (so a word whose evidence is offset by the classifier is not shown as pushing).

        ``evidence``: per sentence, (text, word tokens with offsets into that text, their probabilities) when
        the caller already scored the words (the pipeline scores each document's words once, in the context of
        the whole document, for the ``loaded_word`` flags); by default each sentence's words are scored here.
        """
        texts = ["" if s is None else str(s) for s in sentences]
        if not texts:
            return []
        evidence = self._checked(texts, evidence)
        flat = _Flat(evidence)
        logits, raw = self.base.contributions(texts)
        final = self._final(_sigmoid(logits), flat)
        # the explanation: the classifier's contributions scaled as the stack weighs its log-odds, plus each
        # word's evidence under the word's name, summed per name and ranked together
        a = self._a
        terms = [(rows, codes, np.asarray(values) * a, names) for rows, codes, values, names in raw]
        terms.append(self._word_extras(flat, evidence))
        ranked = self.base.rank_terms(len(texts), terms, top_k)
        return list(zip(final.tolist(), ranked, strict=True))

    def _word_extras(self, flat: _Flat, evidence: Sequence[Evidence]) -> tuple:
        """The word evidence as one block of explanation contributions ``(rows, codes, values, names)``: each
        word whose evidence moves its sentence's log-odds by at least 0.01 (``b * p``, ``+ d`` if flagged,
        ``+ c * p`` for the sentence's most loaded word), named as written (see ``_shown_name``)."""
        none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), [])
        if not flat.full.any():
            return none
        probs, full = flat.probs, flat.full
        extra = self._b * probs + np.where(probs >= self._threshold, self._d, 0.0)
        seg_max = np.maximum.reduceat(probs, flat.starts[full])
        at_max = np.flatnonzero(probs == np.repeat(seg_max, flat.lengths[full]))
        top = at_max[np.searchsorted(at_max, flat.starts[full])]  # the first of equal maxima, as argmax
        extra[top] += self._c * probs[top]
        picked = np.flatnonzero(np.abs(extra) >= 0.01)
        rows = np.searchsorted(flat.ends, picked, side="right")
        local = picked - flat.starts[rows]
        name_of = _shown_name
        names = []
        for i, j in zip(rows.tolist(), local.tolist(), strict=True):
            text, tokens, _ = evidence[i]
            t = tokens[j]
            names.append(name_of(text[t[0] : t[1]]))
        return rows, np.arange(len(names)), extra[picked], names


def _shown_name(surface: str) -> str:
    """The explanation term of a word as written: lower case, edge punctuation stripped, and grammatical words
    grouped under ``[common words]`` as in the classifier's own terms."""
    name = _display_memo(surface)
    return COMMON_WORDS if name in FUNCTION_WORDS else name


def sentence_evidence(text: str, spans: Sequence[tuple[int, int]], scores) -> list[Evidence]:
    """Per (start, end) span of ``text``: the document's scored word tokens inside it and their probabilities
    (``scores``: the ``DocScores`` of the whole document, tokens in document order)."""
    from bisect import bisect_left

    starts = scores.starts
    out: list[Evidence] = []
    for start, end in spans:
        lo = bisect_left(starts, start)
        hi = bisect_left(starts, end, lo)
        while hi > lo and scores.tokens[hi - 1].end > end:
            hi -= 1
        out.append((text, scores.tokens[lo:hi], scores.probability[lo:hi]))
    return out


def load_stack_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StackError(f"stack file {path} cannot be read ({exc}); rebuild it with `annotator train`") from None
    try:
        weights = [float(record["weights"][k]) for k in _KEYS]
        values = [*weights, float(record["intercept"]), float(record["word_threshold"])]
    except (KeyError, TypeError, ValueError):
        raise StackError(f"stack file {path} is malformed; rebuild it with `annotator train`") from None
    if record.get("format_version") != FORMAT_VERSION or not all(math.isfinite(v) for v in values):
        raise StackError(f"stack file {path} is of another format or holds a non-finite weight")
    return record


def load_sentence_model(path: str | Path | None = None):
    """The sentence classifier at ``path`` (default: the bundled or $ANNOTATOR_MODEL_DIR one), stacked with the
    loaded-word model when ``sentence_stack.json`` and the word model sit beside it; else the plain BiasModel."""
    base = BiasModel.load(path)
    stack_path = base.path.parent / STACK_FILE
    if not stack_path.is_file():
        return base
    from annotator.model.words import MODEL_FILE, LoadedWordModel, WordModelError

    record = load_stack_record(stack_path)
    try:
        words = LoadedWordModel.load(base.path.parent / MODEL_FILE.name)
    except WordModelError as exc:
        raise StackError(f"{exc} (needed by {stack_path})") from None
    if record.get("word_model_sha256") and record["word_model_sha256"] != words.info.get("sha256"):
        raise StackError(
            f"stack file {stack_path} was fitted for another loaded-word model; rebuild with `annotator train`"
        )
    model = StackedBiasModel(base, words, record)
    try:  # the headline numbers of the stacked score, when `annotator evaluate` recorded them
        measured = json.loads((base.path.parent / "metrics.json").read_text(encoding="utf-8"))["sentence_stack"]
        stacked = measured["test"]["stacked"]
        model.info.update(
            {
                "name": f"{base.info.get('name', 'classifier')} + loaded-word evidence",
                "test_macro_f1": stacked["macro_f1"],
                "test_roc_auc": stacked.get("roc_auc"),
                "test_brier": stacked.get("brier"),
            }
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not evaluated yet: the classifier's own numbers stay
    return model


# ---- fitting and measuring -------------------------------------------------------------------------------------


def out_of_fold_features(
    data_dir: Path, train_df, seed: int = 42, log=print, threshold: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(sentence log-odds, word evidence (n, 3)) for every training sentence, from models fitted without it.
    ``threshold``: the word probability that counts as a flag (default: ``WORD_THRESHOLD_FOR_FIT``)."""
    threshold = WORD_THRESHOLD_FOR_FIT if threshold is None else float(threshold)
    from sklearn.model_selection import StratifiedKFold

    from annotator.model import training as T
    from annotator.model.word_data import MarkedSentences, _folded_set
    from annotator.model.word_training import WORD_CONFIG, build_tables, fit_word_model, load_resources
    from annotator.model.words import LoadedWordModel

    word_lists = T.load_word_lists(data_dir, {**T.DEFAULT_CONFIG, "recasens": True, "vader": True})
    resources = load_resources(data_dir)
    y = train_df["y"].to_numpy()
    texts = list(train_df["text"])
    marks = [_folded_set(m) for m in train_df["marked"]]
    logit = np.zeros(len(y))
    words = np.zeros((len(y), 3))
    for k, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, y)):
        pipe = T.fit_frame(T.DEFAULT_CONFIG, word_lists, train_df.iloc[tr], seed)
        p = np.clip(pipe.predict_proba(np.asarray(texts, dtype=object)[te])[:, 1], 1e-12, 1 - 1e-12)
        logit[te] = np.log(p / (1 - p))
        part = MarkedSentences(
            [texts[i] for i in tr], [marks[i] for i in tr], [None] * len(tr), [int(y[i]) for i in tr], [""] * len(tr)
        )
        reg, layout = fit_word_model(resources, part, WORD_CONFIG)
        arrays, info = build_tables(reg, layout, resources, [], 0.5)
        fold_words = LoadedWordModel(arrays, info)
        words[te] = evidence_matrix(fold_words, [texts[i] for i in te], threshold)
        log(f"  stack: fold {k + 1}/5")
    return logit, words


# the flag threshold used when no word model is at hand (benches); ``fit_stack`` uses the shipped detector's own
# threshold, so the "count" evidence is the number of words the detector flags, and records it in the stack file
WORD_THRESHOLD_FOR_FIT = 0.23


def evidence_matrix(word_model, texts: Sequence[str], threshold: float) -> np.ndarray:
    from annotator.model.word_features import sentence_tokens

    evidence = []
    for text in texts:
        tokens, standing = sentence_tokens(text)
        probs = word_model.score_sentences([tokens], [standing]).probability if tokens else np.zeros(0)
        evidence.append((text, tokens, probs))
    return _Flat(evidence).features(threshold)


def fit_stack(data_dir: Path, models_dir: Path, seed: int = 42, subset: int | None = None, log=print) -> dict:
    """Fit the four weights on out-of-fold values for the training part; write models/sentence_stack.json.
    ``subset``: only the first N training sentences (quick tests, as for the models)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from annotator.model import data as D
    from annotator.model import training as T
    from annotator.model.sentence import file_sha256
    from annotator.model.words import MODEL_FILE, LoadedWordModel

    words = LoadedWordModel.load(models_dir / MODEL_FILE.name)
    df = D.load_sg2(data_dir)
    train_df, _ = T.split_frames(df, D.read_test_split(models_dir / D.TEST_SPLIT_FILE))
    train_df = train_df.reset_index(drop=True)
    if subset:
        train_df = train_df.iloc[: int(subset)].reset_index(drop=True)
    log(f"stacking the sentence classifier with word evidence: out-of-fold values for {len(train_df)} sentences")
    threshold = float(words.threshold)
    logit, evidence = out_of_fold_features(data_dir, train_df, seed, log, threshold=threshold)
    y = train_df["y"].to_numpy()
    X = np.column_stack([logit, evidence])
    cv = StratifiedKFold(5, shuffle=True, random_state=seed + 1)
    base_f1 = f1_score(
        y, cross_val_predict(LogisticRegression(max_iter=1000), logit[:, None], y, cv=cv), average="macro"
    )
    stack_f1 = f1_score(y, cross_val_predict(LogisticRegression(max_iter=1000), X, y, cv=cv), average="macro")
    reg = LogisticRegression(max_iter=1000).fit(X, y)
    record = {
        "format_version": FORMAT_VERSION,
        "weights": dict(zip(_KEYS, (round(float(v), 6) for v in reg.coef_.ravel()), strict=True)),
        "intercept": round(float(reg.intercept_[0]), 6),
        "word_threshold": threshold,
        "word_model_sha256": file_sha256(models_dir / MODEL_FILE.name),
        "sentence_model_sha256": file_sha256(models_dir / D.MODEL_FILE),
        "seed": seed,
        "subset": int(subset) if subset else None,
        "oof_cv_macro_f1": {"sentence_alone": round(float(base_f1), 4), "stacked": round(float(stack_f1), 4)},
        "data": "BABE SG2 training part (out-of-fold values; the test split is never seen)",
    }
    (models_dir / STACK_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    log(f"  wrote {models_dir / STACK_FILE}: out-of-fold CV macro-F1 {base_f1:.4f} -> {stack_f1:.4f}")
    return record


def evaluate_stack(data_dir: Path, models_dir: Path, log=print) -> dict:
    """Test-split metrics and BASIL sentence ROC-AUC of the classifier alone and stacked."""
    from sklearn.metrics import roc_auc_score

    from annotator.model import data as D
    from annotator.model import training as T
    from annotator.model.metrics import binary_metrics

    stacked = load_sentence_model(models_dir / D.MODEL_FILE)
    if not isinstance(stacked, StackedBiasModel):
        raise StackError(f"no {STACK_FILE} in {models_dir}; run `annotator train` first")
    df = D.load_sg2(data_dir)
    _, test_df = T.split_frames(df, D.read_test_split(models_dir / D.TEST_SPLIT_FILE))
    texts = list(test_df["text"])
    y = test_df["y"].to_numpy()
    out: dict = {
        "record": {k: v for k, v in stacked.record.items() if k != "format_version"},
        "test": {
            "sentence_alone": _short(binary_metrics(y, stacked.base.predict_proba(texts))),
            "stacked": _short(binary_metrics(y, stacked.predict_proba(texts))),
        },
    }
    basil_dir = data_dir / "basil"
    if basil_dir.is_dir():
        from annotator.model.basil import basil_sentences, load_basil

        sentences, labels = basil_sentences(load_basil(basil_dir))
        out["basil_sentence_auc"] = {
            "n_sentences": len(labels),
            "sentence_alone": round(float(roc_auc_score(labels, stacked.base.predict_proba(sentences))), 4),
            "stacked": round(float(roc_auc_score(labels, stacked.predict_proba(sentences))), 4),
        }
    alone, both = out["test"]["sentence_alone"]["macro_f1"], out["test"]["stacked"]["macro_f1"]
    log(f"stacked sentence scores: test macro-F1 {alone:.4f} -> {both:.4f}")
    return out


def _short(m: dict) -> dict:
    return {
        k: round(float(m[k]), 4)
        for k in ("macro_f1", "roc_auc", "brier", "precision_biased", "recall_biased")
        if k in m
    }
