"""The per-document summary table of a batch run (CSV, and Parquet when pyarrow is installed).

Built from the results JSONL at the end of every run, so after ``--resume`` it covers every document.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

VOICES = ("author", "reported", "quote")


def read_results(path: Path) -> Iterator[dict[str, Any]]:
    """The result rows of a batch JSONL file (a truncated last line from a killed run is skipped)."""
    with path.open("rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            yield json.loads(line)


def summary_row(row: dict[str, Any]) -> dict[str, Any]:
    """One document's numbers: words, sentences, bias shares (overall and by voice), flags by detector."""
    s = row.get("summary") or {}
    detectors = s.get("detectors") or {}
    out: dict[str, Any] = {
        "id": row.get("id"),
        "source": row.get("source"),
        "date": row.get("date"),
        "words": s.get("words"),
        "sentences": s.get("sentences"),
        "scored_sentences": s.get("scored_sentences"),
        "biased_share": s.get("biased_share"),
        "mean_bias": s.get("mean_bias"),
    }
    for voice in VOICES:
        out[f"biased_share_{voice}"] = ((s.get("by_voice") or {}).get(voice) or {}).get("biased_share")
    out |= {
        "loaded_terms": s.get("loaded_terms"),
        "loaded_per_1000_words": round(10 * s.get("loaded_per_100_words", 0.0), 2),
        "scare_quotes": detectors.get("scare_quote", 0),
        "anonymous_sources": detectors.get("anonymous_source", 0),
        "hedges": detectors.get("hedge", 0),
        "top_terms": "; ".join(term for term, _ in s.get("top_terms") or []),
    }
    return out


def has_parquet() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def write_summary(results: Path, csv_path: Path, parquet_path: Path | None) -> list[Path]:
    """Write the table(s); returns the paths written."""
    import pandas as pd

    frame = pd.DataFrame([summary_row(r) for r in read_results(results)], columns=list(summary_row({})))
    frame.to_csv(csv_path, index=False)
    written = [csv_path]
    if parquet_path is not None and has_parquet():
        frame.to_parquet(parquet_path, index=False)
        written.append(parquet_path)
    return written
