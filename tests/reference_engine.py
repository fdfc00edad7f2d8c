"""Straightforward versions of the engine's fast paths, to check that the fast ones give the same results.

Each function does what its fast counterpart does, the plain way: one sentence at a time, one token at a
time, every regex run in full, Punkt run on every paragraph. ``reference_engine(monkeypatch)`` swaps them
all into the engine, so a test can annotate the same text both ways and compare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from annotator.lexicon.loader import LITERAL_WINDOW
from annotator.lexicon.matcher import Lexicon, LexiconMatch
from annotator.model.word_features import STANDING
from annotator.model.words import LoadedWordModel
from annotator.textnorm import Token

# find_quotes' single-quote pattern as first written (the look-behind first)
OLD_SINGLE_QUOTE = re.compile(r"(?<![\w’'])‘(?P<inner>[^‘’\n]{1,200}?)’(?![\w])")


def match_tokens(lexicon: Lexicon, tokens: Sequence[Token]) -> list[LexiconMatch]:
    """Longest match at each position, every phrase whose first key is the token's tried in turn."""
    matches: list[LexiconMatch] = []
    n = len(tokens)
    stems = [t.key for t in tokens]
    exact = [t.folded for t in tokens]
    after = 0
    for i in range(n):
        if i < after:
            continue
        best_size, best_entry = 0, None
        for stemmed, keys_of in ((True, stems), (False, exact)):
            for keys, entry in lexicon._index[stemmed].get(keys_of[i], ()):
                size = len(keys)
                if size <= best_size:
                    break
                fits = size == 1 or (i + size <= n and keys_of[i + 1 : i + size] == list(keys[1:]))
                if fits and (keys_of is exact or lexicon._inflected(keys, exact[i : i + size])):
                    best_size, best_entry = size, entry
                    break
        if best_size:
            words = lexicon._literal.get(id(best_entry)) if best_entry is not None else None
            near = stems[max(0, i - LITERAL_WINDOW) : i] + stems[i + best_size : i + best_size + LITERAL_WINDOW]
            if best_entry is not None and not (words and not words.isdisjoint(near)):
                matches.append(LexiconMatch(tokens[i].start, tokens[i + best_size - 1].end, best_entry))
            after = i + best_size
    return matches


def match_runs(lexicon: Lexicon, tokens, runs, keys=None, folded=None, numbers=None) -> list[LexiconMatch]:
    return [m for lo, hi in runs for m in match_tokens(lexicon, tokens[lo:hi])]


def standing_flat(text: str, tokens, lengths, starts, quotes, numbers=None) -> np.ndarray:
    """One sentence at a time, one token at a time, a pointer walking the sorted quotations."""
    rows = []
    pos = 0
    for length in lengths:
        sentence = tokens[pos : pos + length]
        pos += length
        standing = np.zeros((len(sentence), len(STANDING)), dtype=np.float32)
        qi = 0
        for i, t in enumerate(sentence):
            first = text[t.start]
            if i > 0 and first.isupper():
                standing[i, 0] = 1.0
                if t.end - t.start > 1 and text[t.start : t.end].isupper():
                    standing[i, 1] = 1.0
            elif i == 0 and t.end - t.start > 1 and first.isupper() and text[t.start : t.end].isupper():
                standing[i, 1] = 1.0
            while qi < len(quotes) and quotes[qi][1] <= t.start:
                qi += 1
            if qi < len(quotes) and quotes[qi][0] <= t.start:
                standing[i, 2] = 1.0
        if len(sentence):
            standing[0, 3] = 1.0
        rows.append(standing)
    return np.vstack(rows) if rows else np.zeros((0, len(STANDING)), dtype=np.float32)


def rows(model: LoadedWordModel, folded, keys) -> tuple[np.ndarray, np.ndarray]:
    """Two look-ups in the model's large tables for every token (no memo)."""
    return (
        np.asarray([model._index.get(w, -1) for w in folded], dtype=np.int64),
        np.asarray([model._stem_weight.get(k, 0.0) for k in keys], dtype=np.float64),
    )


def add_bigrams(model: LoadedWordModel, folded, rows, known, last, before, after) -> None:
    """Each adjacent pair looked up in the bigram dict, one pair at a time."""
    for k in range(len(folded) - 1):
        w = model._bigram.get((folded[k], folded[k + 1]))
        if w is not None and not last[k]:
            before[k + 1] += w[0]
            after[k] += w[1]


def tokenize(text: str) -> list[Token]:
    """One match at a time, the keys through the cached functions (a plain list: no columns)."""
    from annotator.textnorm import WORD_RE, exact_key, word_key

    return [Token(m.start(), m.end(), word_key(m.group()), exact_key(m.group())) for m in WORD_RE.finditer(text)]


def is_reported(text: str) -> bool:
    """The full pattern on every sentence."""
    from annotator.voice import _patterns

    return _patterns()[2].search(text) is not None


def punkt_spans(chunk: str) -> list[tuple[int, int]]:
    """Punkt on every paragraph."""
    from annotator.segment import _tokenizer

    return list(_tokenizer().span_tokenize(chunk))


def reference_engine(monkeypatch) -> None:
    """Swap every reference above into the engine (undone when the test ends)."""
    import annotator.detectors.loaded_words as loaded_words
    import annotator.model.word_features as word_features
    import annotator.pipeline as pipeline
    import annotator.segment as segment
    import annotator.voice as voice

    monkeypatch.setattr(Lexicon, "match_runs", match_runs)
    monkeypatch.setattr(loaded_words, "standing_flat", standing_flat)
    monkeypatch.setattr(word_features, "standing_flat", standing_flat)
    monkeypatch.setattr(LoadedWordModel, "_rows", rows)
    monkeypatch.setattr(LoadedWordModel, "_add_bigrams", add_bigrams)
    monkeypatch.setattr(voice, "is_reported", is_reported)
    monkeypatch.setattr(voice, "_SINGLE_QUOTE", OLD_SINGLE_QUOTE)
    monkeypatch.setattr(voice, "_ANY_QUOTE", re.compile(""))  # never skip find_quotes' scan
    monkeypatch.setattr(segment, "_punkt_spans", punkt_spans)
    monkeypatch.setattr(pipeline, "tokenize", tokenize)  # and so Context's path for tokens without columns
