"""The loaded-word model at run time: per-token probabilities that a word reads as loaded, with reasons.

The trained logistic regression (``annotator.model.word_training``) is stored collapsed into score tables
(``models/loaded_words.npz``, plain arrays, no pickle): for every known word, what it adds as the word
itself, as the word before, as the word after, and to the tone of its sentence. A token's logit is

    intercept + own[word] + stem[stem] + before[previous word] + after[next word]
              + mean(tone[w] for the sentence's content words) + standing weights (name, capitals, quotes)

so every flag splits exactly into the parts a journalist can read: the word itself, the words around it,
the sentence's tone and how it stands.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from annotator.model.word_features import STANDING, sentence_tokens
from annotator.textnorm import Token

MODEL_FILE = Path(__file__).resolve().parent.parent.parent / "models" / "loaded_words.npz"
FORMAT_VERSION = 1
_ARRAYS = ("words", "own", "before", "after", "tone", "function", "stems", "stem_weight", "standing", "marked")


class WordModelError(ValueError):
    """The loaded-word model file is missing, damaged or of another format (a one-line message)."""


class TokenScore(NamedTuple):
    """One token's probability of reading as loaded and the parts of its logit."""

    start: int  # offsets into the scored text
    end: int
    word: str  # folded form
    probability: float
    own: float  # the word itself (own vector, word lists, stem)
    before: float  # the previous word
    after: float  # the next word
    tone: float  # the sentence's content words
    standing: float  # name / capitals / quotes / first word
    intercept: float

    def logit(self) -> float:
        return self.intercept + self.own + self.before + self.after + self.tone + self.standing


class DocScores:
    """Token probabilities of a batch of sentences as arrays; ``token(k)`` gives one token's full record."""

    def __init__(self, tokens: Sequence[Token], probability: np.ndarray, parts: dict[str, np.ndarray],
                 intercept: float):
        self.tokens = tokens
        self.probability = probability
        self.parts = parts
        self.intercept = intercept
        self.starts = [t.start for t in tokens]

    def __len__(self) -> int:
        return len(self.tokens)

    def token(self, k: int, offset: int = 0) -> TokenScore:
        t = self.tokens[k]
        p = self.parts
        return TokenScore(t.start + offset, t.end + offset, t.folded, float(self.probability[k]),
                          float(p["own"][k]), float(p["before"][k]), float(p["after"][k]), float(p["tone"][k]),
                          float(p["standing"][k]), self.intercept)


class LoadedWordModel:
    """Scores every word of a sentence in context; loads from a safe npz file (``allow_pickle=False``)."""

    def __init__(self, arrays: dict[str, np.ndarray], info: dict, path: Path | None = None):
        self.info = info
        self.path = path
        words = [str(w) for w in arrays["words"]]
        self._index = {w: i for i, w in enumerate(words)}
        self._words = words
        self._own = arrays["own"].astype(np.float64)
        self._before = arrays["before"].astype(np.float64)
        self._after = arrays["after"].astype(np.float64)
        self._tone = arrays["tone"].astype(np.float64)
        self._function = arrays["function"].astype(bool)
        self._stem_weight = dict(zip((str(s) for s in arrays["stems"]), arrays["stem_weight"].tolist(), strict=True))
        self._standing = arrays["standing"].astype(np.float64)
        self._intercept = float(info["intercept"])
        self._oov = {k: float(v) for k, v in info["oov"].items()}  # own/before/after/tone of an unknown word
        self.threshold = float(info["threshold"])
        # a lexicon entry with a literal sense is flagged only at or above this in-context probability
        self.confirm_threshold = float(info.get("confirm_threshold", self.threshold / 2))
        self._marked = [str(w) for w in arrays["marked"]]
        self._marked_set = frozenset(self._marked)
        self._vectors_cache: np.ndarray | None = None
        self._n_vec = int(info.get("n_vector_words", 0))  # rows that have a word vector (the first ones)
        self._function_list = self._function.tolist()

    # ---- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> LoadedWordModel:
        path = Path(path) if path is not None else MODEL_FILE
        rebuild = "rebuild it with `annotator train --words`"
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: np.asarray(data[k]) for k in data.files}
        except FileNotFoundError:
            raise WordModelError(f"loaded-word model {path} not found; {rebuild}") from None
        except (OSError, ValueError, KeyError) as exc:
            raise WordModelError(f"loaded-word model {path} cannot be read ({exc}); {rebuild}") from None
        missing = [k for k in (*_ARRAYS, "info") if k not in arrays]
        if missing:
            raise WordModelError(f"loaded-word model {path} lacks {', '.join(missing)}; {rebuild}")
        try:
            info = json.loads(str(arrays.pop("info")))
        except ValueError:
            raise WordModelError(f"loaded-word model {path} has unreadable info; {rebuild}") from None
        if info.get("format_version") != FORMAT_VERSION:
            raise WordModelError(f"loaded-word model {path} is of format {info.get('format_version')!r}, "
                                 f"expected {FORMAT_VERSION}; {rebuild}")
        n = len(arrays["words"])
        for k in ("own", "before", "after", "tone", "function"):
            if arrays[k].shape != (n,):
                raise WordModelError(f"loaded-word model {path}: {k} has shape {arrays[k].shape}, expected ({n},)")
        if arrays["standing"].shape != (len(STANDING),):
            raise WordModelError(f"loaded-word model {path}: standing weights have the wrong shape")
        for k in ("own", "before", "after", "tone", "stem_weight", "standing"):
            if not np.isfinite(arrays[k]).all():
                raise WordModelError(f"loaded-word model {path}: {k} holds a non-finite number")
        model = cls(arrays, info, path)
        model.info.setdefault("sha256", _sha256(path))
        return model

    # ---- scoring ---------------------------------------------------------------------------------

    def score_tokens(self, sentence: str, tokens: Sequence[Token] | None = None, offset: int = 0,
                     standing: np.ndarray | None = None) -> list[TokenScore]:
        """Every word token of ``sentence`` with its probability and logit parts (offsets + ``offset``)."""
        if tokens is None or standing is None:
            tokens, standing = sentence_tokens(sentence)
        scores = self.score_sentences([tokens], [standing])
        return [scores.token(k, offset) for k in range(len(scores))]

    def score_sentences(self, sentences: Sequence[Sequence[Token]], standings: Sequence[np.ndarray]) -> DocScores:
        """Scores of every token of many sentences at once (vectorised; tokens keep their offsets)."""
        tokens = [t for ts in sentences for t in ts]
        n = len(tokens)
        if not n:
            return DocScores([], np.zeros(0), {}, self._intercept)
        lengths = np.fromiter((len(ts) for ts in sentences), dtype=np.int64, count=len(sentences))
        sent = np.repeat(np.arange(len(sentences)), lengths)
        first = np.zeros(n, dtype=bool)
        first[np.concatenate(([0], np.cumsum(lengths)[:-1]))[lengths > 0]] = True
        last = np.zeros(n, dtype=bool)
        last[(np.cumsum(lengths) - 1)[lengths > 0]] = True
        index = self._index
        idx = np.fromiter((index.get(t.folded, -1) for t in tokens), dtype=np.int64, count=n)
        known = idx >= 0
        safe = np.where(known, idx, 0)
        stem_weight = self._stem_weight
        own = np.where(known, self._own[safe], self._oov["own"])
        if not known.all():
            digit = self._oov.get("digit", 0.0)
            for k in np.flatnonzero(~known):
                if tokens[k].folded[:1].isdigit():
                    own[k] += digit
        own += np.fromiter((stem_weight.get(t.key, 0.0) for t in tokens), dtype=np.float64, count=n)
        before = np.zeros(n)
        before[1:] = np.where(known[:-1], self._before[safe[:-1]], self._oov["before"])
        before[first] = 0.0
        after = np.zeros(n)
        after[:-1] = np.where(known[1:], self._after[safe[1:]], self._oov["after"])
        after[last] = 0.0
        content = known & (idx < self._n_vec) & ~self._function[safe]
        counts = np.bincount(sent, weights=content.astype(np.float64), minlength=len(sentences))
        sums = np.bincount(sent, weights=np.where(content, self._tone[safe], 0.0), minlength=len(sentences))
        tone = (sums / np.maximum(counts, 1.0))[sent]
        standing = np.vstack(standings).astype(np.float64) @ self._standing
        logit = self._intercept + own + before + after + tone + standing
        prob = 1.0 / (1.0 + np.exp(-logit))
        parts = {"own": own, "before": before, "after": after, "tone": tone, "standing": standing}
        return DocScores(tokens, prob, parts, self._intercept)

    def is_function_word(self, word: str) -> bool:
        i = self._index.get(word)
        return i is not None and self._function_list[i]

    # ---- explanations ----------------------------------------------------------------------------

    @property
    def _vectors(self) -> np.ndarray | None:
        """The shipped word vectors (annotator/data/word_vectors.npz), whose words are the first rows of the
        score tables in the same order; loaded on first use (explanations only)."""
        if self._vectors_cache is None:
            from annotator.features import load_word_vectors

            words, vectors = load_word_vectors()
            n = int(self.info.get("n_vector_words", 0))
            if n != len(words) or words[:10] != self._words[:10]:
                return None
            self._vectors_cache = vectors.astype(np.float32)
        return self._vectors_cache

    @lru_cache(maxsize=4096)  # noqa: B019 (one model per process; the cache is the point)
    def similar_marked(self, word: str, k: int = 3) -> tuple[str, ...]:
        """Up to ``k`` words that the training annotators marked as biased and that are closest to ``word``
        in the word-vector space (the word itself first if it was marked)."""
        out: list[str] = [word] if word in self._marked_set else []
        if self._vectors is None:
            return tuple(out[:k])
        i = self._index.get(word)
        if i is None or i >= len(self._vectors):
            return tuple(out[:k])
        vec = self._vectors[i]
        marked_idx = self._marked_rows()
        if not len(marked_idx):
            return tuple(out[:k])
        m = self._vectors[marked_idx]
        sims = m @ vec / (np.linalg.norm(m, axis=1) * (np.linalg.norm(vec) or 1.0) + 1e-9)
        for j in np.argsort(-sims):
            w = self._marked[self._marked_pos[j]]
            if sims[j] < 0.5 or len(out) >= k:
                break
            if w != word and w[:4] != word[:4]:
                out.append(w)
        return tuple(out[:k])

    def _unit_vectors(self) -> np.ndarray:
        if not hasattr(self, "_unit_cache"):
            vecs = self._vectors
            self._unit_cache = vecs / (np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9)
        return self._unit_cache

    def _marked_rows(self) -> np.ndarray:
        if not hasattr(self, "_marked_rows_cache"):
            rows, pos = [], []
            n_vec = len(self._vectors) if self._vectors is not None else 0
            for p, w in enumerate(self._marked):
                i = self._index.get(w)
                if i is not None and i < n_vec:
                    rows.append(i)
                    pos.append(p)
            self._marked_rows_cache = np.asarray(rows, dtype=np.int64)
            self._marked_pos = pos
        return self._marked_rows_cache

    @lru_cache(maxsize=4096)  # noqa: B019
    def neutral_neighbours(self, word: str, k: int = 2) -> tuple[str, ...]:
        """Automatic suggestions: up to ``k`` near words in the vector space that the model rates neutral on
        their own (own-word logit well below the threshold) and that are not forms of the same word."""
        if self._vectors is None:
            return ()
        i = self._index.get(word)
        if i is None or i >= len(self._vectors):
            return ()
        unit = self._unit_vectors()
        sims = unit @ unit[i]
        cut = math.log(self.threshold / (1 - self.threshold)) - self._intercept - 2.0
        top = np.argpartition(-sims, 200)[:200]
        out: list[str] = []
        for j in top[np.argsort(-sims[top])]:
            if j == i:
                continue
            if sims[j] < 0.6 or len(out) >= k:
                break
            w = self._words[j]
            if w[:4] == word[:4] or not w.isalpha() or self._own[j] > cut or self._function[j]:
                continue
            out.append(w)
        return tuple(out)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@lru_cache(maxsize=1)
def default_word_model() -> LoadedWordModel:
    return LoadedWordModel.load()
