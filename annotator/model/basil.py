"""BASIL (Fan et al., 2019) as an evaluation set: articles rebuilt as text, bias spans mapped to its offsets.

EVALUATION ONLY: BASIL states no licence, so nothing here trains a model or tunes a threshold. It is read
from ../shared/data/basil (never copied into the repository). Each article is rebuilt as the title, a blank
line, then its paragraphs separated by blank lines, each paragraph's sentences joined by single spaces. An
annotation's ``id`` names its sentence ("title" or "pK", K counting sentences through all paragraphs from
0) and its ``start``/``end`` are offsets inside that sentence; they are mapped to the rebuilt text and every
span's text is checked against the annotation's ``txt``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from annotator.document import Span


@dataclass(frozen=True)
class BiasSpan:
    span: Span
    bias: str  # "lex" (loaded word choice) or "inf" (selective or slanted content)
    quote: bool  # inside a quote, per the annotators


@dataclass(frozen=True)
class BasilArticle:
    key: str  # YEAR/TRIPLET_N
    source: str  # fox, nyt, hpo
    text: str
    sentences: tuple[Span, ...]  # the title first, then every body sentence
    spans: tuple[BiasSpan, ...]


class BasilError(ValueError):
    """The BASIL folder is missing or an annotation does not match its article."""


def _rebuild(article: dict) -> tuple[str, list[Span], dict[str, int]]:
    parts: list[str] = []
    sentences: list[Span] = []
    starts: dict[str, int] = {}
    pos = 0

    def add(sentence: str, key: str | None) -> None:
        nonlocal pos
        if key is not None:
            starts[key] = pos
        sentences.append(Span(pos, pos + len(sentence)))
        parts.append(sentence)
        pos += len(sentence)

    def sep(s: str) -> None:
        nonlocal pos
        parts.append(s)
        pos += len(s)

    add(str(article.get("title", "")), "title")
    k = 0
    for paragraph in article.get("body-paragraphs", []):
        sep("\n\n")
        for i, sentence in enumerate(paragraph):
            if i:
                sep(" ")
            add(str(sentence), f"p{k}")
            k += 1
    return "".join(parts), sentences, starts


def load_basil(basil_dir: str | Path) -> list[BasilArticle]:
    """Every BASIL article with its mapped bias spans; raises BasilError if a span's text does not match."""
    root = Path(basil_dir)
    if not (root / "articles").is_dir() or not (root / "annotations").is_dir():
        raise BasilError(f"{root} has no articles/ and annotations/ folders (BASIL)")
    out: list[BasilArticle] = []
    for path in sorted((root / "articles").glob("*/*.json")):
        key = f"{path.parent.name}/{path.stem}"
        ann_path = root / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        if not ann_path.is_file():
            continue
        article = json.loads(path.read_text(encoding="utf-8"))
        annotations = json.loads(ann_path.read_text(encoding="utf-8"))
        text, sentences, starts = _rebuild(article)
        spans: list[BiasSpan] = []
        for a in annotations.get("phrase-level-annotations", []):
            sid = str(a.get("id", ""))
            if sid not in starts:
                raise BasilError(f"{key}: annotation names an unknown sentence {sid!r}")
            span = Span(starts[sid] + int(a["start"]), starts[sid] + int(a["end"]))
            if text[span.start : span.end] != a.get("txt", ""):
                raise BasilError(f"{key}: span {sid}[{a['start']}:{a['end']}] is not {a.get('txt')!r}")
            spans.append(BiasSpan(span, str(a.get("bias", "")), str(a.get("quote", "")).lower() == "yes"))
        out.append(BasilArticle(key, str(article.get("source", "")).lower(), text, tuple(sentences), tuple(spans)))
    if not out:
        raise BasilError(f"{root} holds no annotated articles")
    return out


def basil_sentences(articles: list[BasilArticle]) -> tuple[list[str], list[int]]:
    """Every non-empty sentence (titles included) and whether it holds a lexical or informational bias span."""
    from annotator.pipeline import SpanIndex

    texts: list[str] = []
    labels: list[int] = []
    for article in articles:
        index = SpanIndex((b.span.start, b.span.end) for b in article.spans)
        for s in article.sentences:
            if s.end > s.start:
                texts.append(article.text[s.start : s.end])
                labels.append(int(index.overlaps(s.start, s.end)))
    return texts, labels
