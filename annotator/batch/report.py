"""Corpus figures from a batch results JSONL: framing by source, over time, top terms, biased share by voice.

One streaming pass over the results (texts are not kept), then small pandas tables. The same tables feed
the HTML report's charts and the CSV files, so the numbers in both are the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.batch.table import VOICES, read_results
from annotator.summary import BIASED_THRESHOLD

NO_SOURCE = "(no source)"
ALL_SOURCES = "(all sources)"  # the corpus-wide rows of the by-voice table
TOP_TERMS = 10


@dataclass
class _Group:
    documents: int = 0
    words: int = 0
    loaded: int = 0


@dataclass
class CorpusTables:
    """The report's tables (pandas DataFrames) and corpus totals."""

    by_source: Any
    by_month: Any
    top_terms: Any
    by_voice: Any
    documents: int = 0
    words: int = 0
    sources: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, Any]:
        return {
            "loaded_by_source": self.by_source,
            "loaded_by_month": self.by_month,
            "top_terms_by_source": self.top_terms,
            "biased_by_voice": self.by_voice,
        }


def _month(date: object) -> str | None:
    """``YYYY-MM`` of an ISO-like date (``2024-05-01``, ``2024-05-01T10:00Z``, ``2024/05``), else None."""
    import pandas as pd

    if not date:
        return None
    stamp = pd.to_datetime(str(date), errors="coerce", utc=True, format="mixed")
    return None if pd.isna(stamp) else f"{stamp.year:04d}-{stamp.month:02d}"


def corpus_tables(results: Path) -> CorpusTables:
    """Aggregate a results file (see the module docstring); loaded terms are lexicon flags."""
    import pandas as pd

    sources: dict[str, _Group] = defaultdict(_Group)
    months: dict[tuple[str, str], _Group] = defaultdict(_Group)
    terms: dict[str, Counter] = defaultdict(Counter)
    voices: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in read_results(results):
        source = str(row.get("source") or NO_SOURCE)
        summary = row.get("summary") or {}
        words = summary["words"] if "words" in summary else len(row.get("text", "").split())
        loaded = [a for a in row.get("annotations", []) if a.get("detector") == "lexicon"]
        groups = [sources[source]]
        month = _month(row.get("date"))
        if month is not None:
            groups.append(months[(month, source)])
        for g in groups:
            g.documents += 1
            g.words += words
            g.loaded += len(loaded)
        terms[source].update((a.get("term") or a.get("text", "")).lower() for a in loaded)
        for s in row.get("sentences", []):
            if s.get("kind") == "prose" and s.get("bias") is not None and s.get("voice") in VOICES:
                biased = s["bias"] >= BIASED_THRESHOLD
                for key in ((ALL_SOURCES, s["voice"]), (source, s["voice"])):
                    voices[key][0] += 1
                    voices[key][1] += biased

    def rate(g: _Group) -> float:
        return round(1000 * g.loaded / g.words, 3) if g.words else 0.0

    by_source = pd.DataFrame(
        [(s, g.documents, g.words, g.loaded, rate(g)) for s, g in sorted(sources.items())],
        columns=["source", "documents", "words", "loaded_terms", "loaded_per_1000_words"],
    )
    by_month = pd.DataFrame(
        [(m, s, g.documents, g.words, g.loaded, rate(g)) for (m, s), g in sorted(months.items())],
        columns=["month", "source", "documents", "words", "loaded_terms", "loaded_per_1000_words"],
    )
    top_terms = pd.DataFrame(
        [
            (s, rank, term, n)
            for s in sorted(terms)
            for rank, (term, n) in enumerate(sorted(terms[s].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS], 1)
        ],
        columns=["source", "rank", "term", "count"],
    )
    by_voice = pd.DataFrame(
        [
            (s, v, n, b, round(b / n, 4) if n else None)
            for (s, v), (n, b) in sorted(
                voices.items(), key=lambda kv: (kv[0][0] != ALL_SOURCES, kv[0][0], VOICES.index(kv[0][1]))
            )
        ],
        columns=["source", "voice", "scored_sentences", "biased_sentences", "biased_share"],
    )
    return CorpusTables(
        by_source,
        by_month,
        top_terms,
        by_voice,
        documents=sum(g.documents for g in sources.values()),
        words=sum(g.words for g in sources.values()),
        sources=sorted(sources),
    )


def write_report(results: Path, html_path: Path, csv_dir: Path | None = None) -> list[Path]:
    """Write the HTML report and one CSV per table (beside it, or in ``csv_dir``); returns the paths."""
    from annotator.export.corpus_html import to_corpus_html

    tables = corpus_tables(results)
    html_path.write_bytes(to_corpus_html(tables, title=results.name))
    written = [html_path]
    for name, frame in tables.tables().items():
        if csv_dir is not None:
            csv_dir.mkdir(parents=True, exist_ok=True)
            path = csv_dir / f"{name}.csv"
        else:
            path = html_path.with_name(f"{html_path.stem}.{name}.csv")
        frame.to_csv(path, index=False)
        written.append(path)
    return written
