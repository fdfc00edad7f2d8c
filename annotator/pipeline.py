"""The annotation pipeline: segment -> voice -> detectors -> classifier -> Document.

``Annotator`` loads and validates every resource once (lexicon, detector data, model) and can then
annotate many texts; ``annotate(text)`` uses a shared default instance.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.detectors import DEFAULT_DETECTORS, REGISTRY, Context, Detector
from annotator.document import Annotation, Document, Sentence
from annotator.lexicon import Lexicon
from annotator.segment import segment
from annotator.textnorm import fold, tokenize
from annotator.voice import assign_voices, find_quotes

MAX_TEXT_CHARS = 1_000_000  # above the 100,000-word ingest limit for any normal text
_LEXICON_USERS = {"lexicon", "scare_quote"}


class InputError(ValueError):
    """The text cannot be annotated (empty, too long ...); the message is fit for a user."""


def _load_model(model: Any) -> Any:
    if model in (None, False):
        return None
    if model == "default":
        from annotator.classify import BiasModel

        return BiasModel.load()
    return model


class Annotator:
    """Loads resources once; ``annotate(text)`` returns a Document.

    ``lexicons``: extra lexicon files (same format as the bundled one; their entries win on conflicts).
    ``detectors``: detector ids to run (default: all of ``DEFAULT_DETECTORS``).
    ``model``: ``"default"`` for the bundled classifier, None to skip sentence scoring, or a loaded model.
    ``ignore_terms``: lexicon terms a reviewer rejected (canonical term or matched text, any case); hits on
    them are dropped.
    ``lexicon``: a ready-made ``Lexicon`` (e.g. one edited in the app) used instead of loading files; then
    ``lexicons`` and ``include_base_lexicon`` are not used.
    """

    def __init__(
        self,
        lexicons: Sequence[str | Path] = (),
        detectors: Iterable[str] | None = None,
        model: Any = "default",
        include_base_lexicon: bool = True,
        ignore_terms: Iterable[str] = (),
        lexicon: Lexicon | None = None,
    ) -> None:
        from annotator.lexicon.loader import DEFAULT_LEXICON

        if lexicon is not None:
            self.lexicon = lexicon
        else:
            self.lexicon = Lexicon.load(extra=lexicons, base=DEFAULT_LEXICON if include_base_lexicon else None)
        ids = tuple(detectors) if detectors is not None else DEFAULT_DETECTORS
        unknown = [d for d in ids if d not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown detector(s): {', '.join(unknown)} (known: {', '.join(sorted(REGISTRY))})")
        self.detectors: list[Detector] = [
            REGISTRY[d](lexicon=self.lexicon) if d in _LEXICON_USERS else REGISTRY[d]() for d in ids
        ]
        self.model = _load_model(model)
        self.ignore_terms = frozenset(fold(t.strip()) for t in ignore_terms if t.strip())

    @property
    def model_info(self) -> dict[str, Any]:
        return dict(getattr(self.model, "info", {}) or {}) if self.model is not None else {}

    def annotate(self, text: str) -> Document:
        with _gc_paused():
            return self._annotate(text)

    def _annotate(self, text: str) -> Document:
        if not isinstance(text, str):
            raise InputError(f"expected text (str), got {type(text).__name__}")
        if not text.strip():
            raise InputError("the text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise InputError(f"the text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        sentences = segment(text)
        quotes = find_quotes(text)
        sentences = assign_voices(text, sentences, quotes)
        tokens = tokenize(text)
        t1 = time.perf_counter()
        timings["segment_ms"] = (t1 - t0) * 1000
        ctx = Context(text, sentences, quotes, tokens)
        annotations: list[Annotation] = []
        for detector in self.detectors:
            annotations.extend(detector.detect(ctx))
        if self.ignore_terms:
            annotations = [
                a
                for a in annotations
                if a.detector != "lexicon"
                or not {fold(a.term), fold(text[a.span.start : a.span.end])} & self.ignore_terms
            ]
        annotations = _dedupe(annotations, [d.id for d in self.detectors])
        t2 = time.perf_counter()
        timings["detect_ms"] = (t2 - t1) * 1000
        sentences = self._score(text, sentences)
        timings["classify_ms"] = (time.perf_counter() - t2) * 1000
        meta = {
            "annotator_version": __version__,
            "lexicon_version": self.lexicon.version,
            "lexicon_entries": len(self.lexicon),
            "detectors": [d.id for d in self.detectors],
            "ignored_terms": sorted(self.ignore_terms),
            "model": self.model_info or None,
            "timings_ms": {k: round(v, 3) for k, v in timings.items()},
        }
        return Document(
            text=text,
            sentences=tuple(sentences),
            annotations=tuple(annotations),
            quotes=tuple(q.inner for q in quotes),
            meta=meta,
        )

    def _score(self, text: str, sentences: list[Sentence]) -> list[Sentence]:
        if self.model is None:
            return sentences
        prose = [i for i, s in enumerate(sentences) if s.kind == "prose"]
        if not prose:
            return sentences
        scores = self.model.score([text[sentences[i].span.start : sentences[i].span.end] for i in prose])
        out = list(sentences)
        for i, (bias, top_terms) in zip(prose, scores, strict=True):
            s = out[i]
            out[i] = Sentence(s.span, s.kind, s.voice, s.paragraph, float(bias), tuple(top_terms))
        return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one text is annotated.

    Annotating allocates hundreds of thousands of small tuples (tokens, spans) and no reference cycles;
    each automatic collection walks every live object, so on a 1 MB text collections made the cost per
    character grow with the length of the text. Paused only if it was running, and switched back on after.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _dedupe(annotations: list[Annotation], order: list[str]) -> list[Annotation]:
    """Sorted annotations; where two detectors flag the same span, the earlier detector wins."""
    rank = {d: i for i, d in enumerate(order)}
    best: dict[tuple[int, int], Annotation] = {}
    for a in annotations:
        key = (a.span.start, a.span.end)
        if key not in best or rank[a.detector] < rank[best[key].detector]:
            best[key] = a
    return sorted(best.values(), key=Annotation.sort_key)


@lru_cache(maxsize=1)
def default_annotator() -> Annotator:
    return Annotator()


def annotate(text: str) -> Document:
    """Annotate ``text`` with the bundled lexicon, detectors and classifier."""
    return default_annotator().annotate(text)
