"""Sentence and flag tables (pandas) and the headline numbers, shared by the app and the reports."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from annotator.document import Document
from annotator.summary import Summary, summarize
from annotator.ui.palette import KIND_LABELS, VOICE_LABELS, category_label, detector_label

SENTENCE_COLUMNS = ("#", "Sentence", "Bias", "Top words", "Voice", "Kind", "Flags")
FLAG_COLUMNS = ("#", "Text", "Category", "Score", "Why", "Neutral wording", "Voice", "Detector", "Sentence", "Start")


def _flags_per_sentence(doc: Document) -> list[int]:
    counts = [0] * len(doc.sentences)
    starts = [s.span.start for s in doc.sentences]
    for a in doc.annotations:
        i = bisect_right(starts, a.span.start) - 1
        if 0 <= i < len(counts):
            counts[i] += 1
    return counts


def sentence_of_annotation(doc: Document) -> list[int | None]:
    """1-based sentence number of each annotation (None when it falls between sentences)."""
    starts = [s.span.start for s in doc.sentences]
    out: list[int | None] = []
    for a in doc.annotations:
        i = bisect_right(starts, a.span.start) - 1
        out.append(i + 1 if 0 <= i < len(starts) and a.span.start < doc.sentences[i].span.end else None)
    return out


def sentence_rows(doc: Document) -> list[dict[str, Any]]:
    flags = _flags_per_sentence(doc)
    return [
        {
            "#": i + 1,
            "Sentence": " ".join(doc.evidence(s.span).split()),
            "Bias": None if s.bias is None else round(s.bias, 3),
            "Top words": ", ".join(f"{t} ({w:+.2f})" for t, w in s.top_terms),
            "Voice": VOICE_LABELS.get(s.voice, s.voice),
            "Kind": KIND_LABELS.get(s.kind, s.kind),
            "Flags": flags[i],
        }
        for i, s in enumerate(doc.sentences)
    ]


def annotation_rows(doc: Document) -> list[dict[str, Any]]:
    sentence_numbers = sentence_of_annotation(doc)
    return [
        {
            "#": i + 1,
            "Text": " ".join(doc.evidence(a.span).split()),
            "Category": category_label(a.category),
            "Detector": detector_label(a.detector),
            "Score": round(a.score, 3),
            "Voice": VOICE_LABELS.get(a.voice, a.voice),
            "Why": a.explanation,
            "Neutral wording": "; ".join(a.alternatives),
            "Sentence": sentence_numbers[i],
            "Start": a.span.start,
        }
        for i, a in enumerate(doc.annotations)
    ]


def sentence_table(doc: Document) -> pd.DataFrame:
    frame = pd.DataFrame(sentence_rows(doc), columns=list(SENTENCE_COLUMNS))
    frame["Bias"] = pd.to_numeric(frame["Bias"], errors="coerce").astype("Float64")
    return frame


def annotation_table(doc: Document) -> pd.DataFrame:
    frame = pd.DataFrame(annotation_rows(doc), columns=list(FLAG_COLUMNS))
    frame["Sentence"] = frame["Sentence"].astype("Int64")
    return frame


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the app and of every report, already formatted for people."""

    biased_share: str
    biased_help: str
    loaded_per_100: str
    loaded_help: str
    top_categories: str
    anonymous_sources: str
    model_name: str
    model_quality: str
    summary: Summary


def model_description(meta: dict[str, Any]) -> tuple[str, str]:
    """(model name, its test macro-F1 as text) or a plain 'not available' message."""
    model = meta.get("model") or {}
    if not model:
        return "classifier not available", "sentence bias scores are switched off"
    model_id = str(model.get("model_id") or "")
    name = str(model.get("name") or (f"bias classifier {model_id}" if model_id else "bias classifier"))
    f1 = model.get("test_macro_f1")
    quality = f"test macro-F1 {float(f1):.2f}" if isinstance(f1, int | float) else "test macro-F1 not reported"
    return name, quality


def headline(doc: Document, top: int = 3) -> Headline:
    s = summarize(doc)
    if s.biased_share is None:
        biased, biased_help = "–", "No sentence bias scores (the classifier is not available or nothing was scored)."
    else:
        biased = f"{s.biased_share:.0%}"
        biased_help = (
            f"{round(s.biased_share * s.scored_sentences)} of {s.scored_sentences} scored sentences read as biased "
            "to the classifier (score 0.5 or more)."
        )
    counts = Counter(a.category for a in doc.annotations)
    top_cats = ", ".join(f"{category_label(c)} ({n})" for c, n in counts.most_common(top)) or "none"
    name, quality = model_description(doc.meta)
    return Headline(
        biased_share=biased,
        biased_help=biased_help,
        loaded_per_100=f"{s.loaded_per_100_words:.1f}",
        loaded_help=f"{s.loaded_terms} loaded terms in {s.words:,} words.",
        top_categories=top_cats,
        anonymous_sources=str(s.anonymous_sources),
        model_name=name,
        model_quality=quality,
        summary=s,
    )
