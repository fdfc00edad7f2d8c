"""Markdown export: summary, the flagged terms with reasons, neutral rewrites and the sentence scores."""

from __future__ import annotations

from annotator.document import Document
from annotator.rewrite import neutral_rewrites
from annotator.summary import summarize


def _md(text: str) -> str:
    """Escape Markdown/HTML control characters in user text for a table cell."""
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "`*_[]<>#~":
        out = out.replace(ch, "\\" + ch)
    return out


def to_markdown(doc: Document) -> bytes:
    s = summarize(doc)
    meta = doc.meta
    model = meta.get("model") or {}
    lines = ["# Framing report", ""]
    lines += [
        f"- Words: {s.words:,}; sentences: {s.sentences} ({s.prose_sentences} prose)",
        f"- Loaded terms: {s.loaded_terms} ({s.loaded_per_100_words} per 100 words)",
        f"- Anonymous sources: {s.anonymous_sources}",
    ]
    if s.biased_share is not None:
        lines.append(f"- Sentences the classifier reads as biased: {s.biased_share:.0%} (mean score {s.mean_bias:.2f})")
    if s.categories:
        lines.append("- By category: " + ", ".join(f"{c} {n}" for c, n in s.categories.items()))
    lines += ["", "## Flagged terms and devices", ""]
    if doc.annotations:
        lines += [
            "| # | Text | Detector | Category | Voice | Score | Why | Neutral alternative |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for i, a in enumerate(doc.annotations, 1):
            lines.append(
                f"| {i} | {_md(doc.evidence(a.span))} | {a.detector} | {a.category} | {a.voice} | {a.score:.2f} | "
                f"{_md(a.explanation)} | {_md('; '.join(a.alternatives))} |"
            )
    else:
        lines.append("Nothing flagged.")
    rewrites = neutral_rewrites(doc)
    if rewrites:
        numbers = {s.span: i for i, s in enumerate(doc.sentences, 1)}
        lines += ["", "## Neutral rewrites", ""]
        lines += ["Removed words are ~~struck through~~, neutral wording is **bold**.", ""]
        for r in rewrites:
            diff = "".join(
                f"~~{_md(t)}~~" if op == "-" else f"**{_md(t)}**" if op == "+" else _md(t) for op, t in r.diff()
            )
            lines.append(f"- Sentence {numbers.get(r.sentence, '?')}: {diff}")
    lines += ["", "## Sentences", "", "| # | Kind | Voice | Bias | Sentence | Top terms |", "|---|---|---|---|---|---|"]
    for i, sent in enumerate(doc.sentences, 1):
        bias = "" if sent.bias is None else f"{sent.bias:.2f}"
        terms = ", ".join(f"{_md(t)} ({w:+.2f})" for t, w in sent.top_terms)
        lines.append(f"| {i} | {sent.kind} | {sent.voice} | {bias} | {_md(doc.evidence(sent.span))} | {terms} |")
    lines += [
        "",
        "---",
        f"annotator {meta.get('annotator_version', '?')}; lexicon {meta.get('lexicon_version', '?')}; "
        f"model {model.get('model_id', 'none')}",
        "",
    ]
    return "\n".join(lines).encode("utf-8")
