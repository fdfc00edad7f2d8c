"""Benchmark of the sentence bias classifier: load time, batch throughput, latency on one article.

Run: ``python bench/bench_classifier.py [--model models/bias_model.skops] [--n 6000]``. One core
(BLAS threads pinned to 1). "Cold" is the first call on a freshly loaded model (nothing cached yet).
Sentences come from ../shared/data (BABE SG2) when present, else from samples/ and a built-in list,
repeated to the requested count.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FALLBACK = [
    "The radical left-wing mob is destroying our country with its insane policies.",
    "The Senate voted 52-48 on Tuesday to confirm the nominee, officials said.",
    '"This is a disaster," the senator told reporters after the vote.',
    "Critics say the so-called reform will hurt millions of working families.",
]


def sentences(n: int) -> list[str]:
    base: list[str] = []
    sg2 = ROOT.parent / "shared" / "data" / "babe" / "final_labels_SG2.csv"
    if sg2.is_file():
        import csv

        with open(sg2, encoding="utf-8-sig", newline="") as fh:
            base = [row["text"].strip() for row in csv.DictReader(fh, delimiter=";")]
    if not base:
        for p in sorted((ROOT / "samples").glob("*.txt")):
            base += [s.strip() for s in p.read_text(encoding="utf-8").split(". ") if len(s.strip()) > 20]
    base = base or FALLBACK
    return [base[i % len(base)] for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--n", type=int, default=6000)
    args = ap.parse_args()

    t = time.perf_counter()
    import annotator.model.sentence as C

    t_import = time.perf_counter() - t
    t = time.perf_counter()
    import skops.io  # noqa: F401  (a one-time cost per process: it scans scikit-learn's estimators)

    t_skops = time.perf_counter() - t
    t = time.perf_counter()
    model = C.BiasModel.load(args.model)
    t_load = time.perf_counter() - t
    path = Path(args.model) if args.model else C.default_model_path()
    print(f"model            {path} ({path.stat().st_size / 1e6:.2f} MB, id {model.info['model_id']})")
    print(f"import           {t_import * 1000:.0f} ms (annotator.model.sentence + scikit-learn)")
    print(f"import skops     {t_skops * 1000:.0f} ms (once per process)")
    print(f"load             {t_load * 1000:.0f} ms (verify SHA-256 + read the model file + prepare)")

    sents = sentences(args.n)
    # unique texts: make most sentences new to the token cache, like fresh articles
    sents = [f"{s} ({i})" if i >= 3673 else s for i, s in enumerate(sents)]
    t = time.perf_counter()
    model.score(sents)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    model.score(sents)
    warm = time.perf_counter() - t
    t = time.perf_counter()
    model.predict_proba(sents)
    proba_only = time.perf_counter() - t
    print(
        f"batch score      {len(sents) / cold:,.0f} sentences/s cold cache, {len(sents) / warm:,.0f} warm "
        f"({len(sents)} sentences, with top-5 explanations)"
    )
    print(f"predict_proba    {len(sents) / proba_only:,.0f} sentences/s (no explanations)")

    article, size = [], 0
    for s in sentences(3000)[2000:]:
        if size >= 8192:
            break
        article.append(s)
        size += len(s.encode("utf-8")) + 1
    model2 = C.BiasModel.load(args.model)  # fresh per-model word cache
    times = []
    for _ in range(20):
        t = time.perf_counter()
        model2.score(article)
        times.append(time.perf_counter() - t)
    print(
        f"article          {len(article)} sentences, {size / 1024:.1f} KB: first call {times[0] * 1000:.1f} ms, "
        f"median {statistics.median(times) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
