"""Sentence, flag and comparison tables (pandas) and the headline numbers, shared by the app and the reports."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.compare import Comparison
from annotator.document import Annotation, Document
from annotator.render.palette import KIND_LABELS, VOICE_LABELS, category_label, detector_label
from annotator.summary import Summary, summarize, term_key

if TYPE_CHECKING:  # pandas is imported by the table functions only: the row functions serve the exports
    import pandas as pd

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


def alternatives_text(a: Annotation) -> str:
    """Neutral wording for tables; automatic suggestions (the model's) are labelled as such."""
    text = "; ".join(a.alternatives)
    return f"automatic suggestion: {text}" if text and a.alternatives_source == "automatic" else text


def top_words_text(top_terms: tuple[tuple[str, float], ...]) -> str:
    """The words that pushed a score, for tables: grammatical words ("[common words]") left out, since
    nobody can act on them (their weight still counts in the score)."""
    return ", ".join(f"{t} ({w:+.2f})" for t, w in top_terms if t != "[common words]")


def sentence_rows(doc: Document) -> list[dict[str, Any]]:
    flags = _flags_per_sentence(doc)
    return [
        {
            "#": i + 1,
            "Sentence": " ".join(doc.evidence(s.span).split()),
            "Bias": None if s.bias is None else round(s.bias, 3),
            "Top words": top_words_text(s.top_terms),
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
            "Neutral wording": alternatives_text(a),
            "Sentence": sentence_numbers[i],
            "Start": a.span.start,
        }
        for i, a in enumerate(doc.annotations)
    ]


GROUPED_COLUMNS = ("#", "Text", "Count", "Category", "Why", "Neutral wording", "Score", "Voice", "Detector", "Where")


def flag_groups(doc: Document) -> list[list[int]]:
    """Indices into ``doc.annotations``, one list per repeated term (same detector, category and term), in the
    order each term first appears. "Kiev" used 11 times is one group, not 11 rows with one explanation each."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, a in enumerate(doc.annotations):
        groups.setdefault((a.detector, a.category, term_key(doc, a)), []).append(i)
    return list(groups.values())


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def grouped_annotation_rows(doc: Document) -> list[dict[str, Any]]:
    """One row per repeated term: every form as written, how often, and where (sentence numbers and offsets)."""
    sentence_numbers = sentence_of_annotation(doc)
    rows = []
    for n, group in enumerate(flag_groups(doc), 1):
        first = doc.annotations[group[0]]
        forms = _unique([" ".join(doc.evidence(doc.annotations[i].span).split()) for i in group])
        sentences = _unique([str(sentence_numbers[i]) for i in group if sentence_numbers[i] is not None])
        where = ("sentence " if len(sentences) == 1 else "sentences ") + ", ".join(sentences) if sentences else ""
        offsets = (
            "offset" + ("s " if len(group) > 1 else " ") + ", ".join(str(doc.annotations[i].span.start) for i in group)
        )
        rows.append(
            {
                "#": n,
                "Text": " / ".join(forms),
                "Count": len(group),
                "Category": category_label(first.category),
                "Detector": detector_label(first.detector),
                "Score": round(max(doc.annotations[i].score for i in group), 3),
                "Voice": ", ".join(
                    _unique([VOICE_LABELS.get(doc.annotations[i].voice, doc.annotations[i].voice) for i in group])
                ),
                "Why": first.explanation,
                "Neutral wording": alternatives_text(first),
                "Where": "; ".join(x for x in (where, offsets) if x),
                "Sentence": sentence_numbers[group[0]],
                "Start": first.span.start,
                "indices": tuple(group),
            }
        )
    return rows


def sentence_table(doc: Document) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(sentence_rows(doc), columns=list(SENTENCE_COLUMNS))
    frame["Bias"] = pd.to_numeric(frame["Bias"], errors="coerce").astype("Float64")
    return frame


def annotation_table(doc: Document) -> pd.DataFrame:
    import pandas as pd

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


# ---- comparing two texts -------------------------------------------------------------------------------


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def profile_rows(cmp: Comparison) -> list[dict[str, str]]:
    """The framing profiles of A and B side by side: one row per measure, values formatted for people."""
    a, b = cmp.profile_a, cmp.profile_b
    sa, sb = a.summary, b.summary

    def top(profile_summary: Summary) -> str:
        cats = list(profile_summary.categories.items())[:3]
        return ", ".join(f"{category_label(c)} ({n})" for c, n in cats) or "none"

    def mean(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    rows = [
        ("Words", f"{sa.words:,}", f"{sb.words:,}", ""),
        ("Loaded terms per 100 words", f"{sa.loaded_per_100_words:.1f}", f"{sb.loaded_per_100_words:.1f}",
         "Word-list hits per 100 words, so texts of different length compare fairly."),
        ("Loaded terms", str(sa.loaded_terms), str(sb.loaded_terms), ""),
        ("Flags in total", str(sum(sa.detectors.values())), str(sum(sb.detectors.values())),
         "Loaded terms plus scare quotes, anonymous sources and hedges."),
        ("Sentences read as biased", _share(sa.biased_share), _share(sb.biased_share),
         "Share of scored sentences the classifier reads as biased (score 0.5 or more)."),
        ("Mean sentence bias score", mean(sa.mean_bias), mean(sb.mean_bias), ""),
        ("Anonymous sources", str(sa.anonymous_sources), str(sb.anonymous_sources), ""),
        ("Scare quotes", str(sa.detectors.get("scare_quote", 0)), str(sb.detectors.get("scare_quote", 0)), ""),
        ("Hedges", str(sa.detectors.get("hedge", 0)), str(sb.detectors.get("hedge", 0)), ""),
        ("Share inside direct quotes", _share(a.quoted_share), _share(b.quoted_share),
         "Characters inside quotation marks; the rest is the writer's own words or reported speech."),
        ("Top categories", top(sa), top(sb), ""),
    ]  # fmt: skip
    return [{"Measure": m, "A": va, "B": vb, "What it means": h} for m, va, vb, h in rows]


def side_labels(cmp: Comparison) -> tuple[str, str]:
    """Column labels for A and B: the names the user gave, kept apart if they are the same."""
    a, b = cmp.profile_a.name or "A", cmp.profile_b.name or "B"
    return (f"{a} (A)", f"{b} (B)") if a == b else (a, b)


def profile_table(cmp: Comparison) -> pd.DataFrame:
    import pandas as pd

    label_a, label_b = side_labels(cmp)
    return pd.DataFrame(profile_rows(cmp)).rename(columns={"A": label_a, "B": label_b})


def term_rows(cmp: Comparison, where: str) -> list[dict[str, Any]]:
    """Loaded terms used only in A (``where="A"``), only in B ("B") or in both ("both")."""
    rows = []
    for row in cmp.term_rows():
        if row["in"] != where:
            continue
        out: dict[str, Any] = {"Term": row["term"], "Category": category_label(str(row["category"]))}
        if where in ("A", "both"):
            out["Uses in A"] = row["count_a"]
        if where in ("B", "both"):
            out["Uses in B"] = row["count_b"]
        alternatives = row["alternatives"]
        out["Neutral wording"] = "; ".join(alternatives) if isinstance(alternatives, list) else ""
        rows.append(out)
    return rows


def pair_rows(cmp: Comparison) -> list[dict[str, str]]:
    """A loaded term in one text next to the neutral word the other text uses (e.g. coup d'etat / revolution)."""
    names = {"A": cmp.profile_a.name, "B": cmp.profile_b.name}
    other = {"A": "B", "B": "A"}
    display = {(r["in"], r["key"]): r for r in cmp.term_rows()}
    rows = []
    for pair in cmp.pairs:
        row = display.get((pair["in"], pair["loaded"]), {})
        rows.append(
            {
                "Loaded term": str(row.get("term", pair["loaded"])),
                "Category": category_label(str(row.get("category", ""))),
                "Used in": names[pair["in"]],
                "Neutral wording in the other text": pair["neutral"],
                "Other text": names[other[pair["in"]]],
            }
        )
    return rows
