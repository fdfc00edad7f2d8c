"""Engine benchmark: latency on the Ukraine/NATO article, batch throughput, peak memory.

    python bench/bench_engine.py [--articles 200] [--repeats 50]

Prints numbers; it asserts nothing. Latency is measured with lexicon, detectors and (if present) the
model already loaded, as in a running app.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import Annotator  # noqa: E402

ARTICLE = ROOT.parent / "shared" / "corpus" / "ukraine_nato_partnership.txt"


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    if ARTICLE.is_file():
        texts.insert(0, ARTICLE.read_text(encoding="utf-8"))
    return texts


def _median_ms(annotator: Annotator, text: str, repeats: int) -> float:
    annotator.annotate(text)  # warm caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        annotator.annotate(text)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()

    t0 = time.perf_counter()
    engine = Annotator(model=None)
    load_engine = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        full = Annotator(model="default")
        load_full = time.perf_counter() - t0
    except Exception as exc:  # no model yet: report and go on
        print(f"classifier unavailable: {exc}")
        full, load_full = None, 0.0

    texts = _texts()
    text = texts[0]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    name = ARTICLE.name if ARTICLE.is_file() else "samples"
    print(f"article: {name} ({len(text):,} chars, {len(text.split()):,} words)")
    print(f"load: engine {load_engine * 1000:.0f} ms; engine + model {load_full * 1000:.0f} ms")
    print(f"median annotate latency without classifier: {_median_ms(engine, text, args.repeats):.2f} ms")
    if full is not None:
        print(f"median annotate latency with classifier:    {_median_ms(full, text, args.repeats):.2f} ms")

    batch = [texts[i % len(texts)] for i in range(args.articles)]
    words = sum(len(t.split()) for t in batch)
    for name, annotator in (("without classifier", engine), ("with classifier", full)):
        if annotator is None:
            continue
        t0 = time.perf_counter()
        for t in batch:
            annotator.annotate(t)
        elapsed = time.perf_counter() - t0
        print(f"throughput {name}: {words / elapsed:,.0f} words/s ({args.articles} articles, {elapsed:.2f} s)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
