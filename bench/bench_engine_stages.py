"""Where the engine spends its time before the sentence classifier, in peer units.

    python bench/bench_engine_stages.py [--repeats 60] [--article PATH]

Runs the stages of ``Annotator._analyse`` (everything before sentence scoring) one after the other on the
8 KB Ukraine/NATO article, as the pipeline does, interleaved round by round with the peer (VADER's
per-sentence scoring after Punkt splitting of the same text, in the same process), and prints each stage's
median CPU time as a multiple of the peer's median. CPU time, not wall time: on the shared machine a
wall-clock window often includes a few milliseconds spent descheduled. Compare the ratios, not the
milliseconds, between runs. The garbage collector is paused, as ``Annotator.annotate`` does.

The peer splits with nltk's Punkt (the shipped parameters, the whole text in one call), so its cost does not
move when our ``segment`` changes. ``bench/bench_loaded_words.py``'s peer splits with ``segment()`` instead;
that one is printed too ("VADER + segment()"), in the same units.

Stages: ``segment``, ``find_quotes``, ``assign_voices``, ``tokenize``, ``context`` (building the detector
``Context``), then each detector on that Context in the default order (``lexicon`` computes the loaded-word
scores it reads for its confidences; ``loaded_word`` reuses them), ``detectors, all`` (their sum) and
``pre-scoring total`` (one more ``Annotator(model=None)._analyse`` call: all of the above plus the input
checks and the de-duplication of overlapping flags). Last, for the whole picture: ``annotate`` with both models
(the sentence classifier and the loaded-word detector), the figure issues 9 and 10 want within 2x of the
peer. Prints numbers; asserts nothing.

Before and after the second speed-up (branch engine3), both trees in the same session, five runs of 60 rounds
each alternating between them (peer 4.4-4.6 ms CPU on a busy machine), in peer units, median (range):

    stage                 before (main 944a935)   after (engine3)
    segment                 0.19 (0.18-0.19)      0.18 (0.18-0.18)
    find_quotes             0.08 (0.08-0.08)      0.08 (0.08-0.08)
    assign_voices           0.10 (0.10-0.10)      0.08 (0.08-0.08)
    tokenize                0.20 (0.20-0.21)      0.23 (0.21-0.23)   (now also numbers the words, makes the columns)
    context                 0.03 (0.02-0.03)      0.01 (0.01-0.02)
    lexicon                 0.47 (0.46-0.49)      0.21 (0.21-0.22)
    scare_quote             0.03 (0.03-0.03)      0.03 (0.03-0.03)
    anonymous_source        0.05 (0.05-0.05)      0.05 (0.05-0.06)
    hedge                   0.03 (0.03-0.04)      0.01 (0.01-0.01)
    loaded_word             0.05 (0.05-0.05)      0.05 (0.05-0.05)
    detectors, all          0.64 (0.62-0.66)      0.36 (0.35-0.37)
    pre-scoring total       1.09 (1.04-1.12)      0.82 (0.75-0.83)
    VADER + segment()       0.73 (0.72-0.73)      0.72 (0.71-0.72)
    annotate, both models   2.70 (2.61-2.80)      2.40 (2.22-2.44)

(The first speed-up, branch engine, took the pre-scoring total from 1.57 to 1.10 in its own session.) The
stages are timed one by one right after the peer, so each starts with caches the peer has filled; the
pre-scoring total runs right after them, on warm caches, and is less than their sum.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE = ROOT.parent / "shared" / "corpus" / "ukraine_nato_partnership.txt"  # ../shared beside the project


def _pass(engine, text: str, out: dict[str, list[float]]) -> None:
    """One annotation, stage by stage as ``Annotator._analyse`` runs them, each stage's CPU time appended."""
    from annotator.detectors import Context
    from annotator.segment import segment
    from annotator.textnorm import tokenize
    from annotator.voice import assign_voices, find_quotes

    t0 = time.process_time()
    sentences = segment(text)
    t1 = time.process_time()
    quotes = find_quotes(text)
    t2 = time.process_time()
    sentences = assign_voices(text, sentences, quotes)
    t3 = time.process_time()
    tokens = tokenize(text)
    t4 = time.process_time()
    ctx = Context(text, sentences, quotes, tokens)
    t5 = time.process_time()
    for name, start, end in (
        ("segment", t0, t1),
        ("find_quotes", t1, t2),
        ("assign_voices", t2, t3),
        ("tokenize", t3, t4),
        ("context", t4, t5),
    ):
        out[name].append((end - start) * 1000)
    for detector in engine.detectors:  # in order: lexicon computes the word scores loaded_word then reuses
        t = time.process_time()
        detector.detect(ctx)
        out[detector.id].append((time.process_time() - t) * 1000)
    out["detectors, all"].append((time.process_time() - t5) * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--article", type=Path, default=ARTICLE)
    args = parser.parse_args()
    if not args.article.is_file():
        print(f"{args.article} not found (../shared/corpus); pass --article PATH")
        return 1
    text = args.article.read_text(encoding="utf-8")
    from nltk.tokenize.punkt import PunktSentenceTokenizer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from annotator import Annotator
    from annotator.segment import _load_params, segment

    engine = Annotator(model=None)
    full = Annotator()  # both models: the sentence classifier and the loaded-word detector
    vader = SentimentIntensityAnalyzer()
    punkt = PunktSentenceTokenizer(_load_params())  # nltk's Punkt with the shipped parameters

    def peer() -> None:
        for sentence in punkt.tokenize(text):
            vader.polarity_scores(sentence)

    def peer_via_segment() -> None:  # the peer of bench_loaded_words.py: it splits with our segment()
        for s in segment(text):
            vader.polarity_scores(text[s.span.start : s.span.end])

    names = ["segment", "find_quotes", "assign_voices", "tokenize", "context"]
    names += [d.id for d in engine.detectors] + ["detectors, all", "pre-scoring total"]
    names += ["VADER + segment()", "annotate, both models"]
    times: dict[str, list[float]] = {name: [] for name in ["peer", *names]}
    peer(), peer_via_segment(), full.annotate(text), _pass(engine, text, {n: [] for n in names})  # warm caches
    gc.disable()
    try:
        for _ in range(args.repeats):
            t = time.process_time()
            peer()
            times["peer"].append((time.process_time() - t) * 1000)
            _pass(engine, text, times)
            t = time.process_time()
            engine._analyse(text)
            times["pre-scoring total"].append((time.process_time() - t) * 1000)
            t = time.process_time()
            peer_via_segment()
            times["VADER + segment()"].append((time.process_time() - t) * 1000)
            t = time.process_time()
            full.annotate(text)
            times["annotate, both models"].append((time.process_time() - t) * 1000)
            gc.collect()
    finally:
        gc.enable()
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    unit = medians.pop("peer")
    print(f"article {args.article.name}: {len(text):,} chars; median of {args.repeats} interleaved rounds")
    print(f"peer (nltk Punkt with the shipped parameters on the whole text + VADER): {unit:.2f} ms = 1 peer unit")
    for name, ms in medians.items():
        print(f"  {name:20s} {ms:7.2f} ms  {ms / unit:5.2f} peer units")
    print(" | ".join(f"{name} {ms / unit:.2f}" for name, ms in medians.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
