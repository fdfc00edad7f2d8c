"""Speed of annotate() on the Ukraine/NATO article with both models, beside VADER's per-sentence scoring with
Punkt splitting of the same text (the peer), all in one run.

The peer splits with nltk's Punkt directly (the shipped parameters, the whole text in one call), so it does not
move when our own ``segment()`` gets faster; the ratio against VADER after ``segment()`` (the peer used before
2026-11-30) is printed too.

    python bench/bench_loaded_words.py [--repeats 60]

Each repeat runs the peer and then the case, and measures both in CPU time of this process; the ratio printed
is the median of the per-repeat ratios, so a busy machine (other processes on the same cores) slows both sides
of each ratio alike. Goal (issues 9 and 10): annotate() with both models within 2x of the peer.
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


def _ratio(fn, peer, repeats: int) -> tuple[float, float]:
    """(median ratio of fn's CPU time to the peer's, median ms of fn)."""
    fn()
    ratios, times = [], []
    for _ in range(repeats):
        t = time.process_time()
        peer()
        p = time.process_time() - t
        t = time.process_time()
        fn()
        f = time.process_time() - t
        times.append(f * 1000)
        if p > 0:
            ratios.append(f / p)
    return statistics.median(ratios), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args()
    if not ARTICLE.is_file():
        print(f"{ARTICLE} not found (../shared/corpus)")
        return 1
    text = ARTICLE.read_text(encoding="utf-8")
    from nltk.tokenize.punkt import PunktSentenceTokenizer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from annotator import Annotator
    from annotator.detectors import DEFAULT_DETECTORS
    from annotator.model.words import LoadedWordModel
    from annotator.segment import _load_params, segment

    t = time.perf_counter()
    LoadedWordModel.load()
    load_ms = (time.perf_counter() - t) * 1000
    vader = SentimentIntensityAnalyzer()

    punkt = PunktSentenceTokenizer(_load_params())

    def peer() -> None:
        for sentence in punkt.tokenize(text):
            vader.polarity_scores(sentence)

    def peer_via_segment() -> None:
        for s in segment(text):
            vader.polarity_scores(text[s.span.start : s.span.end])

    no_model = Annotator(model=None)
    without = Annotator(detectors=[d for d in DEFAULT_DETECTORS if d != "loaded_word"])
    both = Annotator()
    prose = [text[s.span.start : s.span.end] for s in both.annotate(text).sentences if s.kind == "prose"]
    base = getattr(both.model, "base", both.model)
    cases = {
        "annotate, no sentence model": lambda: no_model.annotate(text),
        "annotate, classifier, no loaded_word": lambda: without.annotate(text),
        "annotate, classifier + loaded_word": lambda: both.annotate(text),
        f"  of which: base classifier scoring ({len(prose)} sentences)": lambda: base.score(prose),
    }
    print(f"article {ARTICLE.name}: {len(text):,} chars; loaded-word model load {load_ms:.0f} ms")
    _, p_ms = _ratio(peer, peer, args.repeats)
    print(f"{'VADER + nltk Punkt (peer)':55s} {p_ms:7.2f} ms CPU median")
    old_peer, old_ms = _ratio(peer_via_segment, peer, args.repeats)
    name = "VADER + our segment() (the peer before 2026-11-30)"
    print(f"{name:55s} {old_ms:7.2f} ms CPU median  ({old_peer:.2f}x peer)")
    for name, fn in cases.items():
        ratio, ms = _ratio(fn, peer, args.repeats)
        print(f"{name:55s} {ms:7.2f} ms CPU median  ({ratio:.2f}x peer)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
