"""Does word-level evidence help the sentence classifier? A measurement, not a shipped feature.

Out-of-fold on the BABE training part (test split excluded): the sentence classifier's logit and the
loaded-word model's token probabilities (each refitted inside every fold, so no sentence is scored by a
model that saw its marks), summarised per sentence (sum, max, count over the threshold). A logistic
regression stacks them; it is compared with the same regression on the sentence logit alone, by CV macro-F1
on the training part, macro-F1 on the test split (shipped models), and ROC-AUC on BASIL (evaluation only).

    python bench/bench_word_stack.py [--seed 42]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def word_summary(word_model, texts: list[str], threshold: float) -> np.ndarray:
    """Per sentence: sum of token probabilities, the largest, and how many reach the threshold."""
    from annotator.model.word_features import sentence_tokens

    rows = []
    for text in texts:
        tokens, standing = sentence_tokens(text)
        if not tokens:
            rows.append((0.0, 0.0, 0.0))
            continue
        p = word_model.score_sentences([tokens], [standing]).probability
        rows.append((float(p.sum()), float(p.max()), float((p >= threshold).sum())))
    return np.asarray(rows)


def main() -> int:
    warnings.simplefilter("ignore")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from annotator.model import data as D
    from annotator.model import training as T
    from annotator.model.sentence import BiasModel
    from annotator.model.word_data import MarkedSentences, _folded_set
    from annotator.model.word_training import WORD_CONFIG, build_tables, fit_word_model, load_resources
    from annotator.model.words import LoadedWordModel

    data_dir = D.resolve_data_dir(args.data_dir)
    df = D.load_sg2(data_dir)
    test_hashes = D.read_test_split(ROOT / "models" / D.TEST_SPLIT_FILE)
    train_df, test_df = T.split_frames(df, test_hashes)
    train_df = train_df.reset_index(drop=True)
    word_lists = T.load_word_lists(data_dir, {**T.DEFAULT_CONFIG, "recasens": True, "vader": True})
    resources = load_resources(data_dir)
    y = train_df["y"].to_numpy()
    texts = list(train_df["text"])
    marks = [_folded_set(m) for m in train_df["marked"]]
    logit = np.zeros(len(y))
    words = np.zeros((len(y), 3))
    t0 = time.perf_counter()
    for k, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=args.seed).split(texts, y)):
        pipe = T.fit_frame(T.DEFAULT_CONFIG, word_lists, train_df.iloc[tr], args.seed)
        p = np.clip(pipe.predict_proba(np.asarray(texts, dtype=object)[te])[:, 1], 1e-6, 1 - 1e-6)
        logit[te] = np.log(p / (1 - p))
        part = MarkedSentences([texts[i] for i in tr], [marks[i] for i in tr], [None] * len(tr),
                               [int(y[i]) for i in tr], [""] * len(tr))
        reg, layout = fit_word_model(resources, part, WORD_CONFIG)
        arrays, info = build_tables(reg, layout, resources, [], 0.23)
        words[te] = word_summary(LoadedWordModel(arrays, info), [texts[i] for i in te], 0.23)
        print(f"  fold {k + 1}/5 done ({time.perf_counter() - t0:.0f} s)", flush=True)

    def cv_f1(X) -> float:
        pred = cross_val_predict(LogisticRegression(max_iter=1000), X, y,
                                 cv=StratifiedKFold(5, shuffle=True, random_state=args.seed + 1))
        return f1_score(y, pred, average="macro")

    base_X = logit[:, None]
    stack_X = np.column_stack([logit, words])
    print(f"CV macro-F1 on the training part ({len(y)} sentences), second-level 5-fold:")
    print(f"  sentence logit alone          {cv_f1(base_X):.4f}")
    print(f"  + word evidence (sum/max/n)   {cv_f1(stack_X):.4f}")

    shipped = BiasModel.load()
    word_model = LoadedWordModel.load()
    base = LogisticRegression(max_iter=1000).fit(base_X, y)
    stack = LogisticRegression(max_iter=1000).fit(stack_X, y)
    print("  stack weights (logit, sum p, max p, n flagged):", np.round(stack.coef_.ravel(), 3).tolist())

    def features(texts_: list[str]):
        p = np.clip(shipped.predict_proba(texts_), 1e-6, 1 - 1e-6)
        lg = np.log(p / (1 - p))
        return lg[:, None], np.column_stack([lg, word_summary(word_model, texts_, word_model.threshold)])

    tb, ts = features(list(test_df["text"]))
    yt = test_df["y"].to_numpy()
    print(f"test split macro-F1: sentence {f1_score(yt, base.predict(tb), average='macro'):.4f}, "
          f"stacked {f1_score(yt, stack.predict(ts), average='macro'):.4f}")
    basil_dir = data_dir / "basil"
    if basil_dir.is_dir():
        from annotator.model.basil import load_basil
        from annotator.pipeline import SpanIndex

        sentences, labels = [], []
        for article in load_basil(basil_dir):
            index = SpanIndex((b.span.start, b.span.end) for b in article.spans)
            for s in article.sentences:
                if s.end > s.start:
                    sentences.append(article.text[s.start : s.end])
                    labels.append(int(index.overlaps(s.start, s.end)))
        bb, bs = features(sentences)
        print(f"BASIL sentence ROC-AUC ({len(labels)} sentences): sentence {roc_auc_score(labels, bb[:, 0]):.4f}, "
              f"stacked {roc_auc_score(labels, stack.decision_function(bs)):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
