"""The annotation pipeline: segment -> voice -> detectors -> classifier -> Document.

``Annotator`` loads and validates every resource once (lexicon, detector data, model) and can then
annotate many texts; ``annotate(text)`` uses a shared default instance.
"""

from __future__ import annotations

import gc
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.detectors import DEFAULT_DETECTORS, REGISTRY, Context, Detector
from annotator.document import Annotation, Document, Sentence
from annotator.lexicon import Lexicon
from annotator.limits import MAX_TEXT_CHARS, surrogate_message
from annotator.segment import segment
from annotator.textnorm import fold, tokenize
from annotator.voice import assign_voices, find_quotes

__all__ = ["MAX_TEXT_CHARS", "Annotator", "InputError", "annotate", "default_annotator"]
_LEXICON_USERS = {"lexicon", "scare_quote"}


class InputError(ValueError):
    """The text cannot be annotated (empty, too long ...); the message is fit for a user."""


def _load_model(model: Any) -> Any:
    if model in (None, False):
        return None
    if model == "default":
        from annotator.model.stack import load_sentence_model

        return load_sentence_model()
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
        self.model = _load_model(model)
        self.detectors: list[Detector] = []
        word_model = None
        if "loaded_word" in ids:
            # the word model the sentence score is stacked with, if any: then a document's words are scored once,
            # for the flags and for the sentence scores alike
            word_model = getattr(self.model, "words", None) or REGISTRY["loaded_word"]().model
        for d in ids:
            if d == "lexicon":
                self.detectors.append(REGISTRY[d](lexicon=self.lexicon, word_model=word_model))
            elif d == "loaded_word":
                self.detectors.append(REGISTRY[d](model=word_model))
            else:
                self.detectors.append(REGISTRY[d](lexicon=self.lexicon) if d in _LEXICON_USERS else REGISTRY[d]())
        self.ignore_terms = frozenset(fold(t.strip()) for t in ignore_terms if t.strip())

    @property
    def model_info(self) -> dict[str, Any]:
        return dict(getattr(self.model, "info", {}) or {}) if self.model is not None else {}

    def check(self, text: object) -> None:
        """Raise InputError (a message fit for a user) if ``text`` cannot be annotated."""
        if not isinstance(text, str):
            raise InputError(f"expected text (str), got {type(text).__name__}")
        if not text.strip():
            raise InputError("the text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise InputError(f"the text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
        # Decided once, here at the door: text that is not valid Unicode is refused, so no exporter, store or
        # view downstream ever meets a character it cannot encode.
        problem = surrogate_message(text)
        if problem:
            raise InputError(problem)

    def annotate(self, text: str) -> Document:
        """Annotate one text; raises InputError if it is empty, too long or not a string."""
        with _gc_paused():
            return self._finish([self._analyse(text)])[0]

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Document]:
        """Annotate many texts lazily, in order: one Document per text, like spaCy's ``nlp.pipe``.

        Texts are taken ``batch_size`` at a time and the prose sentences of a whole batch are scored in one
        classifier call (far faster than one call per text). Each Document equals ``annotate(text)`` except
        for ``meta.timings_ms`` (the batch's classifier time is shared out by sentence count). Raises
        InputError on the first unusable text; ``annotate_batch(..., errors="return")`` keeps going instead.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        for chunk in batched(texts, batch_size):
            yield from self.annotate_batch(chunk)  # type: ignore[misc]

    def annotate_batch(self, texts: Sequence[str], errors: str = "raise") -> list[Any]:
        """Documents for ``texts`` in order, the classifier called once for all of them.

        ``errors="raise"``: the first failing text raises. ``errors="return"``: a failing text gives its
        exception in place of a Document and the others are annotated (for batch jobs that record errors).
        """
        if errors not in ("raise", "return"):
            raise ValueError(f"errors must be 'raise' or 'return', got {errors!r}")
        with _gc_paused():
            return self._annotate_batch(texts, errors)

    def _annotate_batch(self, texts: Sequence[str], errors: str) -> list[Any]:
        results: list[Any] = []
        for text in texts:
            try:
                results.append(self._analyse(text))
            except Exception as exc:
                if errors == "raise":
                    raise
                results.append(exc)
        ok = [i for i, r in enumerate(results) if isinstance(r, _Draft)]
        try:
            docs = self._finish([results[i] for i in ok])
        except Exception:
            if errors == "raise":
                raise
            docs = []
            for i in ok:  # isolate the text that breaks the batch
                try:
                    docs.append(self._finish([results[i]])[0])
                except Exception as exc:
                    docs.append(exc)
        for i, doc in zip(ok, docs, strict=True):
            results[i] = doc
        return results

    def _analyse(self, text: str) -> _Draft:
        """Everything but the classifier: sentences with voices, detector annotations, quotes, timings."""
        self.check(text)
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
        timings["detect_ms"] = (time.perf_counter() - t1) * 1000
        return _Draft(text, sentences, annotations, quotes, timings, self._word_evidence(ctx))

    def _word_evidence(self, ctx: Context) -> list[Any] | None:
        """The prose sentences' loaded-word evidence for a stacked sentence model, from the document's word
        scores (shared with the ``loaded_word`` and ``lexicon`` detectors when they ran with the same model)."""
        words = getattr(self.model, "words", None)
        if words is None:
            return None
        from annotator.detectors.loaded_words import word_scores
        from annotator.model.stack import sentence_evidence

        spans = [(s.span.start, s.span.end) for s in ctx.sentences if s.kind == "prose"]
        return sentence_evidence(ctx.text, spans, word_scores(ctx, words))

    def _finish(self, drafts: list[_Draft]) -> list[Document]:
        """Score the prose sentences of all drafts in one classifier call and build their Documents."""
        t0 = time.perf_counter()
        scored = self._score([(d.text, d.sentences) for d in drafts], [d.evidence for d in drafts])
        elapsed = (time.perf_counter() - t0) * 1000
        total = sum(len(s) for s in scored) or 1
        docs = []
        for draft, sentences in zip(drafts, scored, strict=True):
            timings = {**draft.timings, "classify_ms": elapsed * len(sentences) / total}
            meta = {
                "annotator_version": __version__,
                "lexicon_version": self.lexicon.version,
                "lexicon_entries": len(self.lexicon),
                "detectors": [d.id for d in self.detectors],
                "ignored_terms": sorted(self.ignore_terms),
                "model": self.model_info or None,
                "timings_ms": {k: round(v, 3) for k, v in timings.items()},
            }
            docs.append(
                Document(
                    text=draft.text,
                    sentences=tuple(sentences),
                    annotations=tuple(draft.annotations),
                    quotes=tuple(q.inner for q in draft.quotes),
                    meta=meta,
                )
            )
        return docs

    def _score(
        self, items: list[tuple[str, list[Sentence]]], evidence: Sequence[list[Any] | None] = ()
    ) -> list[list[Sentence]]:
        """Each text's sentences with bias scores on the prose ones (one model call for all texts).

        ``evidence``: per text, its prose sentences' word evidence for a stacked model (see ``_word_evidence``);
        used when every text has it."""
        if self.model is None:
            return [sentences for _, sentences in items]
        where = [(k, i) for k, (_, sentences) in enumerate(items) for i, s in enumerate(sentences) if s.kind == "prose"]
        out = [list(sentences) for _, sentences in items]
        if not where:
            return out
        texts = [items[k][0][out[k][i].span.start : out[k][i].span.end] for k, i in where]
        if evidence and all(e is not None for e in evidence):
            scores = self.model.score(texts, evidence=[x for e in evidence for x in e])  # type: ignore[union-attr]
        else:
            scores = self.model.score(texts)
        for (k, i), (bias, top_terms) in zip(where, scores, strict=True):
            s = out[k][i]
            out[k][i] = Sentence(s.span, s.kind, s.voice, s.paragraph, float(bias), tuple(top_terms))
        return out


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of ``size`` items (the last may be shorter); ``itertools.batched`` needs Python 3.12."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(frozen=True)
class _Draft:
    """A text analysed up to (not including) the classifier."""

    text: str
    sentences: list[Sentence]
    annotations: list[Annotation]
    quotes: list[Any]
    timings: dict[str, float]
    evidence: list[Any] | None = None  # prose sentences' word evidence for a stacked sentence model


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
    """Sorted annotations; where two detectors flag the same span, the earlier detector wins, and a model
    suggestion (``loaded_word``) that overlaps any other detector's flag is dropped: one highlight per span,
    the curated explanation first (it carries the model's confidence)."""
    rank = {d: i for i, d in enumerate(order)}
    others = SpanIndex((a.span.start, a.span.end) for a in annotations if a.detector != "loaded_word")
    if len(others.spans) < len(annotations):
        annotations = [
            a for a in annotations if a.detector != "loaded_word" or not others.overlaps(a.span.start, a.span.end)
        ]
    best: dict[tuple[int, int], Annotation] = {}
    for a in annotations:
        key = (a.span.start, a.span.end)
        if key not in best or rank[a.detector] < rank[best[key].detector]:
            best[key] = a
    return sorted(best.values(), key=Annotation.sort_key)


class SpanIndex:
    """Sorted spans with a running maximum of their ends: "does anything overlap [start, end)?" in log time."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]
        self._max_end: list[int] = []
        best = -1
        for _, e in self.spans:
            best = max(best, e)
            self._max_end.append(best)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)  # spans starting before ``end``
        return i > 0 and self._max_end[i - 1] > start


@lru_cache(maxsize=1)
def default_annotator() -> Annotator:
    return Annotator()


def annotate(text: str) -> Document:
    """Annotate ``text`` with the bundled lexicon, detectors and classifier."""
    return default_annotator().annotate(text)
