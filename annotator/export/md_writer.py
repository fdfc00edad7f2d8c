"""Markdown export: summary, the flagged terms with reasons, neutral rewrites and the sentence scores."""

from __future__ import annotations

from annotator.document import Document
from annotator.render.article import most_loaded_sentences
from annotator.render.palette import KIND_LABELS, VOICE_LABELS, category_label
from annotator.render.tables import grouped_annotation_rows, top_words_text
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
        lines.append("- By category: " + ", ".join(f"{_md(category_label(c))} {n}" for c, n in s.categories.items()))
    if s.top_terms:
        lines.append("- Most used loaded terms: " + ", ".join(f"{_md(t)} {n}" for t, n in s.top_terms))
    lines += ["", "## Flagged terms and devices", ""]
    if doc.annotations:
        lines += [
            "Repeated terms are one row: *Uses* says how often, *Where* in which sentences.",
            "",
            "| # | Text | Uses | Detector | Category | Voice | Score | Why | Neutral alternative | Where |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in grouped_annotation_rows(doc):
            lines.append(
                f"| {r['#']} | {_md(r['Text'])} | {r['Count']} | {_md(r['Detector'])} | {_md(r['Category'])} | "
                f"{_md(r['Voice'])} | {r['Score']:.2f} | {_md(r['Why'])} | {_md(r['Neutral wording'])} | "
                f"{_md(r['Where'])} |"
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
    own, quoted = most_loaded_sentences(doc)
    for title, items in (
        ("Most loaded sentences in the writer's own words", own),
        ("Most loaded sentences in direct quotes", quoted),
    ):
        if items:
            lines += ["", f"## {title}", ""]
            for bias, i in sorted(items, key=lambda item: (-item[0], item[1]))[:10]:
                sent = doc.sentences[i]
                lines.append(
                    f"- {bias:.2f} (sentence {i + 1}): {_md(doc.evidence(sent.span))} — "
                    f"{_md(top_words_text(sent.top_terms))}"
                )
    lines += ["", "## Sentences", "", "| # | Kind | Voice | Bias | Sentence | Top terms |", "|---|---|---|---|---|---|"]
    for i, sent in enumerate(doc.sentences, 1):
        bias = "" if sent.bias is None else f"{sent.bias:.2f}"
        terms = _md(top_words_text(sent.top_terms))
        kind, voice = KIND_LABELS.get(sent.kind, sent.kind), VOICE_LABELS.get(sent.voice, sent.voice)
        lines.append(f"| {i} | {kind} | {voice} | {bias} | {_md(doc.evidence(sent.span))} | {terms} |")
    lines += [
        "",
        "---",
        f"annotator {meta.get('annotator_version', '?')}; lexicon {meta.get('lexicon_version', '?')}; "
        f"model {model.get('model_id', 'none')}",
        "",
    ]
    return "\n".join(lines).encode("utf-8")
