"""Accuracy benchmark: how much the BABE 5-fold CV macro-F1 depends on the split seed.

`annotator evaluate` reports the BABE protocol with one split seed (42). This runs the same stratified
5-fold CV (every vectorizer, lexicon rate and auxiliary model refitted inside each fold) with other split
seeds, for the shipped configuration or a variant, and prints each seed's macro-F1 and their mean.

Run (needs ../shared/data or --data-dir; about 40 s per seed on 2 cores):

    python bench/bench_cv_seeds.py                       # shipped recipe, seeds 1-5
    python bench/bench_cv_seeds.py --seeds 42 --without embedding
    python bench/bench_cv_seeds.py --training-part       # test split excluded, as for model selection
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from annotator import train as T

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--without", nargs="*", default=[], help="config keys to switch off, e.g. embedding aux_stack char")
    ap.add_argument("--training-part", action="store_true", help="leave the test split out of the CV")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    config = copy.deepcopy(T.DEFAULT_CONFIG)
    for key in args.without:
        if key not in config:
            ap.error(f"unknown config key {key!r} (known: {', '.join(config)})")
        config[key] = None
    data_dir = T.resolve_data_dir(args.data_dir)
    df = T.load_sg2(data_dir)
    if args.training_part:
        df, _ = T.split_frames(df, T.make_test_split(df))
    word_lists = T.load_word_lists(data_dir, {**config, "recasens": True, "vader": True})
    y = df["y"].to_numpy()
    label = "shipped" + "".join(f" -{k}" for k in args.without)
    print(f"{label}: stratified 5-fold CV macro-F1 on {len(df)} sentences")
    scores = []
    for seed in args.seeds:
        t = time.perf_counter()
        proba, _, splits = T.cv_predict(config, word_lists, df, seed=seed, n_jobs=args.jobs)
        folds = T.fold_macro_f1(y, proba, splits)
        scores.append(statistics.mean(folds))
        print(f"  seed {seed:>3}: {scores[-1]:.4f} ± {statistics.pstdev(folds):.4f}  ({time.perf_counter() - t:.0f} s)")
    if len(scores) > 1:
        print(f"  mean {statistics.mean(scores):.4f}, range {min(scores):.4f}–{max(scores):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
