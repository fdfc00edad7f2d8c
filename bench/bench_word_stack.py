"""Does word-level evidence help the sentence classifier? Re-measures the stack without touching models/.

Out-of-fold on the BABE training part (test split excluded): the sentence classifier's log-odds and the
loaded-word model's evidence (sum, max and count of its word probabilities), both models refitted inside
every fold (``annotator.model.stack.out_of_fold_features``). Prints the second-level CV macro-F1 of the
classifier alone and stacked, then the test-split and BASIL numbers of a stack fitted in a scratch copy
of models/ (the shipped models are not changed).

    python bench/bench_word_stack.py [--seed 42]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    warnings.simplefilter("ignore")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()
    from annotator.model import data as D
    from annotator.model.stack import evaluate_stack, fit_stack

    data_dir = D.resolve_data_dir(args.data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for name in ("bias_model.skops", "metrics.json", "test_split.txt", "loaded_words.npz"):
            shutil.copy(ROOT / "models" / name, scratch / name)
        record = fit_stack(data_dir, scratch, seed=args.seed)
        print("weights:", record["weights"], "intercept", record["intercept"])
        result = evaluate_stack(data_dir, scratch)
    for part, values in result["test"].items():
        print(f"test split, {part:15s} " + ", ".join(f"{k} {v:.4f}" for k, v in values.items()))
    if "basil_sentence_auc" in result:
        b = result["basil_sentence_auc"]
        print(
            f"BASIL sentence ROC-AUC ({b['n_sentences']} sentences): classifier alone {b['sentence_alone']:.4f}, "
            f"stacked {b['stacked']:.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
