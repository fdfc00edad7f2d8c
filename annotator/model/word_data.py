"""Training data of the loaded-word detector: BABE sentences with the words annotators marked as biased.

Experts' marks come from BABE SG2 (``biased_words``), crowd marks from MBIC (the same sentences, mostly).
Sentences of the BABE test split (models/test_split.txt) are dropped from training entirely and kept for
the word-level evaluation. The word lists used as features are read from ../shared/data at training time
only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.textnorm import exact_key, tokenize


@dataclass
class MarkedSentences:
    texts: list[str]
    expert: list[frozenset[str]]  # folded words experts marked (empty set when none)
    crowd: list[frozenset[str] | None]  # folded words the crowd marked (None: MBIC has no row)
    biased: list[int]  # sentence label (1 biased)
    sha: list[str]


def _folded_set(words) -> frozenset[str]:
    out: set[str] = set()
    for w in words or ():
        for t in tokenize(str(w)):
            out.add(t.folded)
    return frozenset(out)


def load_marked(data_dir: str | Path, test_hashes: set[str]) -> tuple[MarkedSentences, MarkedSentences]:
    """(training part, test split) of BABE SG2 with expert marks and, where MBIC has the sentence, crowd marks."""
    from annotator.model.data import _parse_words, load_mbic, load_sg2

    data_dir = Path(data_dir)
    df = load_sg2(data_dir)
    mbic = load_mbic(data_dir)
    crowd: dict[str, frozenset[str]] = {}
    if mbic is not None:
        for sha, words in zip(mbic["sha"], mbic["biased_words"], strict=True):
            crowd[sha] = _folded_set(_parse_words(words))
    parts: dict[bool, MarkedSentences] = {flag: MarkedSentences([], [], [], [], []) for flag in (False, True)}
    seen: set[str] = set()
    for text, marked, y, sha in zip(df["text"], df["marked"], df["y"], df["sha"], strict=True):
        if sha in seen:
            continue
        seen.add(sha)
        part = parts[sha in test_hashes]
        part.texts.append(str(text))
        part.expert.append(_folded_set(marked))
        part.crowd.append(crowd.get(sha))
        part.biased.append(int(y))
        part.sha.append(sha)
    return parts[False], parts[True]


def token_labels(tokens_per_sentence, marks: list[frozenset[str]]) -> list[int]:
    """1 for every token whose folded form (possessive dropped) is among its sentence's marked words."""
    out: list[int] = []
    for tokens, marked in zip(tokens_per_sentence, marks, strict=True):
        out.extend(int(t.folded in marked or exact_key(t.folded) in marked) for t in tokens)
    return out
