"""Topic leakage: does masking names and topic words change the sentence classifier, in and out of domain?

Names (capitalised words inside a sentence) and the words of BABE's topic labels ("immigration", "gun
control", ...) say what a sentence is about, not how it is told. This measures the shipped recipe trained
and scored on text where they are replaced by a placeholder, against the recipe on plain text:
stratified 5-fold CV macro-F1 on the training part (test split excluded), macro-F1 on the test split, and
ROC-AUC on BASIL sentences (evaluation only). It also lists the names and topic words with the largest
weights in the shipped model.

    python bench/bench_topic_masking.py [--seed 42]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def masker(topic_words: set[str], names: bool, topics: bool):
    def mask(text: str) -> str:
        out = []
        pos = 0
        for k, m in enumerate(_WORD.finditer(text)):
            w = m.group()
            replace = (names and k > 0 and w[:1].isupper() and not w.isupper()) or (topics and w.lower() in topic_words)
            out.append(text[pos : m.start()])
            out.append("Name" if replace and w[:1].isupper() else ("topic" if replace else w))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    return mask


def main() -> int:
    warnings.simplefilter("ignore")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from sklearn.metrics import f1_score, roc_auc_score

    from annotator.model import data as D
    from annotator.model import training as T

    data_dir = D.resolve_data_dir(args.data_dir)
    df = D.load_sg2(data_dir)
    train_df, test_df = T.split_frames(df, D.read_test_split(ROOT / "models" / D.TEST_SPLIT_FILE))
    train_df = train_df.reset_index(drop=True)
    topic_words = {w for t in df["topic"].dropna().astype(str) for w in re.split(r"[\s\-_]+", t.lower()) if len(w) > 3}
    word_lists = T.load_word_lists(data_dir, {**T.DEFAULT_CONFIG, "recasens": True, "vader": True})
    basil: list[tuple[str, int]] = []
    if (data_dir / "basil").is_dir():
        from annotator.model.basil import basil_sentences, load_basil

        basil = list(zip(*basil_sentences(load_basil(data_dir / "basil")), strict=True))
    print(f"topic words from BABE's labels: {', '.join(sorted(topic_words))}")
    variants = {
        "plain text (shipped recipe)": None,
        "names masked": masker(topic_words, True, False),
        "names + topic words masked": masker(topic_words, True, True),
    }
    for label, mask in variants.items():
        t = time.perf_counter()
        tr = train_df.copy()
        te = test_df.copy()
        if mask:
            tr["text"] = [mask(x) for x in tr["text"]]
            te["text"] = [mask(x) for x in te["text"]]
        proba, _, splits = T.cv_predict(T.DEFAULT_CONFIG, word_lists, tr, seed=args.seed, n_jobs=args.jobs)
        cv = float(np.mean(T.fold_macro_f1(tr["y"].to_numpy(), proba, splits)))
        pipe = T.fit_frame(T.DEFAULT_CONFIG, word_lists, tr, args.seed)
        p_test = pipe.predict_proba(np.asarray(list(te["text"]), dtype=object))[:, 1]
        test_f1 = f1_score(te["y"].to_numpy(), p_test >= 0.5, average="macro")
        line = f"{label:30s} CV macro-F1 {cv:.4f}  test macro-F1 {test_f1:.4f}"
        if basil:
            texts = [mask(x) if mask else x for x, _ in basil]
            p_basil = pipe.predict_proba(np.asarray(texts, dtype=object))[:, 1]
            line += f"  BASIL sentence AUC {roc_auc_score([y for _, y in basil], p_basil):.4f}"
        print(f"{line}  ({time.perf_counter() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
