"""Speed of the loaded-word detector: annotate() on the Ukraine/NATO article with and without it, beside
VADER's per-sentence scoring with Punkt splitting of the same text (the peer), all in one run.

    python bench/bench_loaded_words.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE = ROOT.parent / "shared" / "corpus" / "ukraine_nato_partnership.txt"


def _median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if not ARTICLE.is_file():
        print(f"{ARTICLE} not found (../shared/corpus)")
        return 1
    text = ARTICLE.read_text(encoding="utf-8")
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from annotator import Annotator
    from annotator.detectors import DEFAULT_DETECTORS
    from annotator.model.words import LoadedWordModel
    from annotator.segment import segment

    t = time.perf_counter()
    LoadedWordModel.load()
    load_ms = (time.perf_counter() - t) * 1000
    vader = SentimentIntensityAnalyzer()

    def peer() -> None:
        for s in segment(text):
            vader.polarity_scores(text[s.span.start : s.span.end])

    without = Annotator(detectors=[d for d in DEFAULT_DETECTORS if d != "loaded_word"])
    both = Annotator()
    rows = {
        "VADER + Punkt (peer)": _median_ms(peer, args.repeats),
        "annotate, classifier, no loaded_word": _median_ms(lambda: without.annotate(text), args.repeats),
        "annotate, classifier + loaded_word": _median_ms(lambda: both.annotate(text), args.repeats),
    }
    print(f"article {ARTICLE.name}: {len(text):,} chars; loaded-word model load {load_ms:.0f} ms")
    peer_ms = rows["VADER + Punkt (peer)"]
    for name, ms in rows.items():
        print(f"{name:40s} {ms:7.2f} ms median  ({ms / peer_ms:.2f}x peer)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
