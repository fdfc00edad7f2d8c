"""Which features make the loaded-word detector separate better? A cross-validation table on BABE's training
part only (the test split and BASIL are never read here).

Every variant is the shipped feature set (``annotator.model.word_features``) plus or minus one block, fitted
with the same logistic regression on 5 folds of sentences (seed 42 unless ``--seed``). Printed per variant, from the
out-of-fold token probabilities: average precision (AP), ROC-AUC, the F1-best threshold with its P/R/F1
and the F0.5-best threshold with its P/R/F0.5 (a journalist prefers fewer, surer flags). ``--grouped``
adds a second CV whose folds hold out whole BABE topics (an article about a topic the model never saw:
closer to real news than random folds).

For speed, the feature matrix is built once over the whole training part (vocabularies from all its
words, labels unused) and the regression uses lbfgs; the training command (liblinear, vocabularies per
fold) gives slightly different numbers, so compare variants within one table only.

    ANNOTATOR_DATA_DIR=../shared/data python bench/bench_word_variants.py [--only NAME ...] [--grouped]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scipy.sparse as sp  # noqa: E402

from annotator.model.word_data import token_labels  # noqa: E402
from annotator.model.word_features import WORD_FLAGS, FeatureLayout, token_blocks  # noqa: E402

# Topic names BABE spells two ways, merged so a held-out topic is really unseen.
_TOPIC_ALIASES = {"blm": "black lives matter", "gun-control": "gun control", "vaccines": "vaccine"}

_EXTRA_BLOCKS = ("neighbour_flags", "neighbour_standing", "offsets2", "bigrams", "word_x_tone", "group_df")

# Each variant: the shipped configuration plus the named changes (see ``_matrix``).
VARIANTS: dict[str, dict] = {
    "today": {},
    "C=0.3": {"C": 0.3},
    "C=3": {"C": 3.0},
    "no sentence tone": {"sentence": False},
    "+neighbour word flags": {"neighbour_flags": True},
    "+name/number neighbour": {"neighbour_standing": True},
    "+vectors at -2/+2": {"offsets2": True},
    "+bigrams with neighbour": {"bigrams": True},
    "+word x tone": {"word_x_tone": True},
    "+topic word (df in group)": {"group_df": True},
    "+bigrams (pairs seen 2+)": {"bigrams": True, "bigram_min": 2},
    "+bigrams (pairs seen 5+)": {"bigrams": True, "bigram_min": 5},
    "+bigrams, C=0.5": {"bigrams": True, "C": 0.5},
    "+bigrams +neighbour flags": {"bigrams": True, "neighbour_flags": True},
    "+bigrams +topic word": {"bigrams": True, "group_df": True},
    "+bigrams +word x tone": {"bigrams": True, "word_x_tone": True},
    "+crowd soft 0.3": {"crowd_soft": 0.3},
    "crowd-only as unsure (w 0.3)": {"crowd_unsure": 0.3},
    "positives weight 0.5": {"positive_weight": 0.5},
}


class Prepared:
    """The training part's tokens, labels and feature blocks, built once for every variant."""

    def __init__(self, data_dir: Path, split_path: Path):
        from collections import Counter

        from annotator.model.data import load_sg2, read_test_split
        from annotator.model.word_data import load_marked
        from annotator.model.word_training import _sentence_words, load_resources

        self.resources = load_resources(data_dir)
        train, _ = load_marked(data_dir, read_test_split(split_path))
        self.n_sentences = len(train.texts)
        self.blocks, tokens = token_blocks(train.texts)
        self.words = _sentence_words(tokens)
        self.y = np.asarray(token_labels(tokens, train.expert))
        crowd = [c or frozenset() for c in train.crowd]
        self.crowd = np.asarray(token_labels(tokens, crowd)).astype(bool)
        topic_of = {}
        df = load_sg2(data_dir)
        for sha, topic in zip(df["sha"], df["topic"], strict=True):
            t = str(topic).strip().lower()
            topic_of[sha] = _TOPIC_ALIASES.get(t, t)
        self.topics = np.asarray([topic_of.get(s, "?") for s in train.sha])
        counts = Counter(self.blocks.folded)
        self.layout = FeatureLayout(
            {s: i for i, s in enumerate(sorted(set(self.blocks.stems)))},
            {w: i for i, w in enumerate(sorted(w for w, c in counts.items() if c >= 3))},
            2.0,
            True,
            True,
        )
        self._cache: dict[str, object] = {}

    def block(self, name: str, arg: int | None = None):
        key = f"{name}:{arg}"
        if key not in self._cache:
            self._cache[key] = getattr(self, "_" + name)(*([] if arg is None else [arg]))
        return self._cache[key]

    # ---- blocks ----------------------------------------------------------------------------------

    def _base(self):
        return self.layout.matrix(self.resources, self.blocks, self.words).tocsc()

    def _shifted(self, offset: int) -> list[str | None]:
        """The folded word at ``offset`` from each token (None past its sentence's edge)."""
        b = self.blocks
        n = len(b.folded)
        out: list[str | None] = [None] * n
        for i in range(n):
            j = i + offset
            if 0 <= j < n and b.sentence_of[j] == b.sentence_of[i]:
                out[i] = b.folded[j]
        return out

    def _neighbour_flags(self):
        r = self.resources
        parts = []
        for o in (-1, 1):
            rows = [r.flags(w) if w is not None else np.zeros(len(WORD_FLAGS), np.float32) for w in self._shifted(o)]
            parts.append(sp.csr_matrix(np.vstack(rows)))
        return sp.hstack(parts, format="csc")

    def _neighbour_standing(self):
        b = self.blocks
        cap = b.standing[:, 0]
        n = len(cap)
        out = np.zeros((n, 4), np.float32)
        same_prev = np.r_[False, b.sentence_of[1:] == b.sentence_of[:-1]]
        same_next = np.r_[b.sentence_of[:-1] == b.sentence_of[1:], False]
        out[1:, 0] = cap[:-1] * same_prev[1:]
        out[:-1, 1] = cap[1:] * same_next[:-1]
        digit = np.asarray([w[:1].isdigit() for w in b.folded], np.float32)
        out[1:, 2] = digit[:-1] * same_prev[1:]
        out[:-1, 3] = digit[1:] * same_next[:-1]
        return sp.csc_matrix(out)

    def _offsets2(self):
        from annotator.model.word_features import _vector_block

        parts = [sp.csr_matrix(_vector_block(self.resources, self._shifted(o)) * 2.0) for o in (-2, 2)]
        return sp.hstack(parts, format="csc")

    def _bigrams(self, min_count: int = 3):
        from collections import Counter

        grams = [
            [f"{p}|{w}" if p else None for p, w in zip(self._shifted(-1), self.blocks.folded, strict=True)],
            [f"{w}|{q}" if q else None for w, q in zip(self.blocks.folded, self._shifted(1), strict=True)],
        ]
        parts = []
        for g in grams:
            counts = Counter(x for x in g if x)
            vocab = {x: i for i, x in enumerate(sorted(x for x, c in counts.items() if c >= min_count))}
            rows = [i for i, x in enumerate(g) if x in vocab]
            cols = [vocab[g[i]] for i in rows]
            parts.append(sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(g), len(vocab))))
        return sp.hstack(parts, format="csc")

    def _word_x_tone(self):
        from annotator.model.word_features import _vector_block, sentence_means

        own = _vector_block(self.resources, self.blocks.folded)
        means = sentence_means(self.resources, self.words)[self.blocks.sentence_of]
        return sp.csc_matrix(own * means * 4.0)

    def _group_df(self):
        """How many other sentences of the token's group (its BABE topic; at run time: its article) hold the
        same word, as a share: a word the whole batch repeats names the topic and is rarely loaded. Two
        columns: the share, and the share for content words only."""
        from collections import Counter

        b = self.blocks
        sets = [frozenset(ws) for ws in self.words]
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(self.topics):
            groups.setdefault(str(t), []).append(i)
        counts: dict[str, Counter] = {g: Counter(w for i in idx for w in sets[i]) for g, idx in groups.items()}
        size = {g: len(idx) for g, idx in groups.items()}
        function = self.resources.lists.get("function_word", frozenset())
        out = np.zeros((len(b.folded), 2), np.float32)
        for k, (w, si) in enumerate(zip(b.folded, b.sentence_of, strict=True)):
            g = str(self.topics[si])
            share = (counts[g][w] - 1) / max(size[g] - 1, 1)
            out[k, 0] = share
            out[k, 1] = share * (w not in function)
        return sp.csc_matrix(out)

    # ---- a variant's matrix ----------------------------------------------------------------------

    def matrix(self, variant: dict):
        X = self.block("base")
        if variant.get("sentence", True) is False:
            sl = self.layout.slices(self.resources.dim)["sentence"]
            keep = np.r_[0 : sl.start, sl.stop : X.shape[1]]
            X = X[:, keep]
        chosen = [
            self.block(k, variant.get("bigram_min") if k == "bigrams" else None)
            for k in _EXTRA_BLOCKS
            if variant.get(k)
        ]
        return sp.hstack([X, *chosen], format="csr") if chosen else X.tocsr()


def prepare(data_dir: Path, split_path: Path) -> Prepared:
    return Prepared(data_dir, split_path)


def _best(y: np.ndarray, p: np.ndarray, beta: float) -> dict:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    order = np.argsort(-p)
    ps, ys = p[order], y[order]
    tp_cum = np.cumsum(ys)
    best = {"score": -1.0}
    for t in grid:
        k = int(np.searchsorted(-ps, -t, side="right"))  # tokens with p >= t
        tp = int(tp_cum[k - 1]) if k else 0
        prec = tp / k if k else 0.0
        rec = tp / int(ys.sum())
        b2 = beta * beta
        score = (1 + b2) * prec * rec / (b2 * prec + rec) if prec + rec else 0.0
        if score > best["score"]:
            best = {"threshold": float(t), "precision": prec, "recall": rec, "score": score}
    return best


def cv_table_row(prep: Prepared, variant: dict, scheme: str, folds: int, seed: int = 42) -> dict:
    """Out-of-fold scores of one variant (folds of sentences, or of whole topics when ``scheme`` is topic)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import GroupKFold, KFold

    X = prep.matrix(variant)
    n = prep.n_sentences
    if scheme == "topic":
        splits = GroupKFold(folds).split(np.arange(n), groups=prep.topics)
    else:
        splits = KFold(folds, shuffle=True, random_state=seed).split(np.arange(n))
    oof = np.zeros(len(prep.y))
    sent = prep.blocks.sentence_of
    for tr, _te in splits:
        rows = np.isin(sent, tr)
        Xtr, ytr = X[rows], prep.y[rows]
        w = np.ones(len(ytr))
        if variant.get("positive_weight"):
            w[ytr == 1] = variant["positive_weight"]
        crowd_only = prep.crowd[rows] & (ytr == 0)
        if variant.get("crowd_unsure"):
            w[crowd_only] = variant["crowd_unsure"]
        if variant.get("crowd_soft"):
            a = float(variant["crowd_soft"])
            w[crowd_only] = 1 - a
            Xtr = sp.vstack([Xtr, Xtr[crowd_only]], format="csr")
            ytr = np.r_[ytr, np.ones(int(crowd_only.sum()), dtype=ytr.dtype)]
            w = np.r_[w, np.full(int(crowd_only.sum()), a)]
        model = LogisticRegression(C=float(variant.get("C", 1.0)), solver="lbfgs", max_iter=3000)
        model.fit(Xtr, ytr, sample_weight=w)
        oof[~rows] = model.predict_proba(X[~rows])[:, 1]
    return {
        "ap": float(average_precision_score(prep.y, oof)),
        "auc": float(roc_auc_score(prep.y, oof)),
        "f1": _best(prep.y, oof, 1.0),
        "f05": _best(prep.y, oof, 0.5),
        "columns": int(X.shape[1]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="variant names to run (default: all)")
    parser.add_argument("--grouped", action="store_true", help="also CV with whole topics held out")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42, help="seed of the random folds")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    from annotator.model.data import DataError, resolve_data_dir

    try:
        data_dir = resolve_data_dir(args.data_dir)
    except DataError as exc:
        print(exc)
        return 2
    t0 = time.perf_counter()
    prep = prepare(data_dir, ROOT / "models" / "test_split.txt")
    print(
        f"BABE training part: {prep.n_sentences} sentences, {len(prep.y)} tokens, {int(prep.y.sum())} marked "
        f"({time.perf_counter() - t0:.0f} s to prepare)"
    )
    names = args.only or list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        print(f"unknown variant(s): {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
        return 2
    schemes = ["random"] + (["topic"] if args.grouped else [])
    header = f"{'variant':28s} {'cv':6s} {'AP':>6s} {'AUC':>6s} | {'t F1':>5s} {'P':>6s} {'R':>6s} {'F1':>6s} |"
    header += f" {'t F.5':>5s} {'P':>6s} {'R':>6s} {'F0.5':>6s} | {'cols':>6s} {'s':>5s}"
    print(header)
    print("-" * len(header))
    for name in names:
        for scheme in schemes:
            t = time.perf_counter()
            row = cv_table_row(prep, VARIANTS[name], scheme, args.folds, args.seed)
            f1, f05 = row["f1"], row["f05"]
            print(
                f"{name:28s} {scheme:6s} {row['ap']:6.4f} {row['auc']:6.4f} | {f1['threshold']:5.2f} "
                f"{f1['precision']:6.4f} {f1['recall']:6.4f} {f1['score']:6.4f} | {f05['threshold']:5.2f} "
                f"{f05['precision']:6.4f} {f05['recall']:6.4f} {f05['score']:6.4f} | {row['columns']:6d} "
                f"{time.perf_counter() - t:5.0f}",
                flush=True,
            )
    print(f"total {time.perf_counter() - t0:.0f} s; numbers: {np.__name__} out-of-fold, compare within this table")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
