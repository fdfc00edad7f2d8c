"""DOCX export on long texts: seconds and microseconds per character from 10 KB to 1 MB of news, against the
HTML export of the same Document (the peer) in the same run, so the growth shows as a ratio.

Linear means the cost per character stays flat as the text grows (before the fix, 1 MB cost about 4x per
character what 100 KB did: python-docx scanned the whole body for every paragraph and every existing comment
for every new comment). Run: PYTHONPATH=. python bench/bench_docx.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_scale import news_text  # noqa: E402


def _corpus() -> Path:
    """../shared/corpus beside the project (or beside the worktrees); samples/ alone if it is absent."""
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (shared / "corpus").is_dir():
            return shared / "corpus"
    return ROOT / "samples" / "no-corpus"


def _cpu(fn, *args) -> float:
    t0 = time.process_time()
    fn(*args)
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--corpus", default=str(_corpus()), help="real articles to repeat (default ../shared/corpus)")
    args = parser.parse_args()
    from annotator import Annotator
    from annotator.export.docx_writer import MAX_COMMENTS, to_docx
    from annotator.export.html_writer import to_html

    engine = Annotator(model=None)
    print(f"Word comments capped at {MAX_COMMENTS:,}")
    header = f"{'chars':>10}{'flags':>7}{'docx s':>8}{'docx us/char':>14}{'html s':>8}{'docx/html':>11}"
    print(header + f"{'us/char vs first':>18}")
    first = None
    for size in args.sizes:
        doc = engine.annotate(news_text(Path(args.corpus), size))
        docx_s = _cpu(to_docx, doc)
        html_s = _cpu(lambda d: to_html(d, include_charts=False), doc)
        per_char = docx_s / len(doc.text) * 1e6
        first = first or per_char
        print(
            f"{len(doc.text):>10,}{len(doc.annotations):>7,}{docx_s:8.2f}{per_char:14.2f}{html_s:8.2f}"
            f"{docx_s / html_s:11.2f}{per_char / first:18.2f}"
        )


if __name__ == "__main__":
    main()
