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

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np

from annotator.model.word_features import STANDING, sentence_tokens
from annotator.textnorm import Memo, Token, WordNumbers, WordTable

_OWN, _BEFORE, _AFTER, _TONE, _CONTENT, _STEM, _ROW = range(7)  # columns of LoadedWordModel's tables
MODEL_FILE = Path(__file__).resolve().parent.parent.parent / "models" / "loaded_words.npz"
FORMAT_VERSION = 1
_MEMO_LIMIT = 200_000  # words remembered by LoadedWordModel._rows before it starts afresh
_ARRAYS = (
    "words",
    "own",
    "before",
    "after",
    "tone",
    "function",
    "stems",
    "stem_weight",
    "standing",
    "marked",
    "explain_words",
    "explain_similar",
    "explain_alternatives",
)


class WordModelError(ValueError):
    """The loaded-word model file is missing, damaged or of another format (a one-line message)."""


def _bigram_table(
    bigrams: dict[tuple[str, ...], tuple[float, float]], index: dict[str, int], base: int
) -> tuple[np.ndarray | None, np.ndarray]:
    """The bigrams as sorted codes ``row(first) * base + row(second)`` (``base``: more than any row) and
    their (before, after) weights in the same order; (None, empty) when a bigram word has no row."""
    pairs = [(k, w) for k, w in bigrams.items() if len(k) == 2]
    if not pairs or len(pairs) < len(bigrams) or any(a not in index or b not in index for (a, b), _ in pairs):
        return (None, np.zeros((0, 2))) if bigrams else (np.zeros(0, dtype=np.int64), np.zeros((0, 2)))
    codes = np.asarray([index[a] * base + index[b] for (a, b), _ in pairs], dtype=np.int64)
    weights = np.asarray([w for _, w in pairs], dtype=np.float64)
    order = np.argsort(codes, kind="stable")
    return codes[order], weights[order]


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

    def __init__(
        self,
        tokens: Sequence[Token],
        probability: np.ndarray,
        parts: dict[str, np.ndarray],
        intercept: float,
        starts: list[int] | None = None,
    ):
        self.tokens = tokens
        self.probability = probability
        self.parts = parts
        self.intercept = intercept
        self.starts = [t.start for t in tokens] if starts is None else starts  # the tokens' start offsets

    def __len__(self) -> int:
        return len(self.tokens)

    def token(self, k: int, offset: int = 0) -> TokenScore:
        t = self.tokens[k]
        p = self.parts
        return TokenScore(
            t.start + offset,
            t.end + offset,
            t.folded,
            float(self.probability[k]),
            float(p["own"][k]),
            float(p["before"][k]),
            float(p["after"][k]),
            float(p["tone"][k]),
            float(p["standing"][k]),
            self.intercept,
        )


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
        self._marked = [str(w) for w in arrays["marked"]]
        self._marked_set = frozenset(self._marked)
        self._n_vec = int(info.get("n_vector_words", 0))  # rows that have a word vector (the first ones)
        explain = zip(
            arrays["explain_words"].tolist(),
            arrays["explain_similar"].tolist(),
            arrays["explain_alternatives"].tolist(),
            strict=True,
        )
        self._similar: dict[str, tuple[str, ...]] = {}
        self._alternatives: dict[str, tuple[str, ...]] = {}
        for w, sim, alt in explain:
            if sim:
                self._similar[w] = tuple(sim.split("|"))
            if alt:
                self._alternatives[w] = tuple(alt.split("|"))
        self._function_list = self._function.tolist()
        self._table = self._word_table()
        # the same rows with each word's stem weight and row number by vocabulary number, for tokens that carry
        # numbers
        self._by_word = WordTable(self._word_rows, np.float64, width=_ROW + 1)
        # optional (models trained with bigrams): (first, second) -> (weight on second, weight on first)
        self._bigram: dict[tuple[str, ...], tuple[float, float]] = {}
        if "bigrams" in arrays:
            self._bigram = dict(
                zip(
                    (tuple(str(k).split(" ")) for k in arrays["bigrams"]),
                    zip(arrays["bigram_before"].tolist(), arrays["bigram_after"].tolist(), strict=True),
                    strict=True,
                )
            )
        # the bigrams as codes of two table rows (first * rows + second), sorted, when every bigram word has a
        # row: a whole document's pairs are then looked up in one array search (see _add_bigrams)
        self._bigram_codes, self._bigram_weights = _bigram_table(self._bigram, self._index, len(words))
        self._row_memo = Memo(lambda folded: self._index.get(folded, -1), _MEMO_LIMIT)  # see _rows
        self._stem_memo = Memo(lambda key: self._stem_weight.get(key, 0.0), _MEMO_LIMIT)

    # ---- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> LoadedWordModel:
        path = Path(path) if path is not None else MODEL_FILE
        rebuild = "rebuild it with `annotator train --only words`"
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
            raise WordModelError(
                f"loaded-word model {path} is of format {info.get('format_version')!r}, "
                f"expected {FORMAT_VERSION}; {rebuild}"
            )
        n = len(arrays["words"])
        for k in ("own", "before", "after", "tone", "function"):
            if arrays[k].shape != (n,):
                raise WordModelError(f"loaded-word model {path}: {k} has shape {arrays[k].shape}, expected ({n},)")
        if arrays["standing"].shape != (len(STANDING),):
            raise WordModelError(f"loaded-word model {path}: standing weights have the wrong shape")
        if "bigrams" in arrays:
            nb = len(arrays["bigrams"])
            for k in ("bigram_before", "bigram_after"):
                if k not in arrays or arrays[k].shape != (nb,):
                    raise WordModelError(f"loaded-word model {path}: {k} is missing or does not match the bigrams")
        for k in ("own", "before", "after", "tone", "stem_weight", "standing", "bigram_before", "bigram_after"):
            if k in arrays and not np.isfinite(arrays[k]).all():
                raise WordModelError(f"loaded-word model {path}: {k} holds a non-finite number")
        model = cls(arrays, info, path)
        from annotator.model.files import file_sha256

        model.info.setdefault("sha256", file_sha256(path))
        return model

    # ---- scoring ---------------------------------------------------------------------------------

    def score_tokens(
        self, sentence: str, tokens: Sequence[Token] | None = None, offset: int = 0, standing: np.ndarray | None = None
    ) -> list[TokenScore]:
        """Every word token of ``sentence`` with its probability and logit parts (offsets + ``offset``)."""
        if tokens is None or standing is None:
            tokens, standing = sentence_tokens(sentence)
        scores = self.score_sentences([tokens], [standing])
        return [scores.token(k, offset) for k in range(len(scores))]

    def score_sentences(self, sentences: Sequence[Sequence[Token]], standings: Sequence[np.ndarray]) -> DocScores:
        """Scores of every token of many sentences at once (vectorised; tokens keep their offsets).

        ``standings``: the standing features of each sentence's tokens (``standing_features``).
        """
        tokens = list(chain.from_iterable(sentences))
        if not tokens:
            return DocScores([], np.zeros(0), {}, self._intercept)
        return self.score_flat(tokens, [len(ts) for ts in sentences], np.vstack(standings))

    def score_flat(
        self,
        tokens: list[Token],
        lengths: Sequence[int],
        standing: np.ndarray,
        starts: list[int] | None = None,
        folded: Sequence[str] | None = None,
        keys: Sequence[str] | None = None,
        numbers: WordNumbers | None = None,
    ) -> DocScores:
        """``score_sentences`` for sentences given as one list of their tokens and each one's token count;
        ``standing``: the tokens' standing features stacked (``standing_rows``), ``starts``, ``folded`` and
        ``keys``: their start offsets, folded forms and matching keys if the caller has them, ``numbers``: their
        word numbers in ``VOCABULARY`` if they carry them (see ``Context.word_numbers``)."""
        n = len(tokens)
        if not n:
            return DocScores([], np.zeros(0), {}, self._intercept)
        if folded is None:
            folded = [t.folded for t in tokens]
        table = self._by_word.take(numbers) if numbers is not None else None
        if table is not None:
            idx, stem = table[:, _ROW].astype(np.int64), table[:, _STEM]
        else:
            idx, stem = self._rows(folded, [t.key for t in tokens] if keys is None else keys)
            table = self._table[idx]  # one gather: row -1, the table's last, is the unknown word's
        lengths = np.asarray(lengths, dtype=np.int64)
        sent = np.repeat(np.arange(len(lengths)), lengths)
        first = np.zeros(n, dtype=bool)
        first[np.concatenate(([0], np.cumsum(lengths)[:-1]))[lengths > 0]] = True
        last = np.zeros(n, dtype=bool)
        last[(np.cumsum(lengths) - 1)[lengths > 0]] = True
        known = idx >= 0
        own = table[:, _OWN].copy()
        unknown = np.flatnonzero(~known).tolist()
        if unknown:
            digits = [k for k in unknown if folded[k][:1].isdigit()]
            own[digits] += self._oov.get("digit", 0.0)
        own += stem
        before = np.zeros(n)
        before[1:] = table[:-1, _BEFORE]
        before[first] = 0.0
        after = np.zeros(n)
        after[:-1] = table[1:, _AFTER]
        after[last] = 0.0
        if self._bigram:
            self._add_bigrams(folded, idx, known, last, before, after)
        counts = np.bincount(sent, weights=table[:, _CONTENT], minlength=len(lengths))
        sums = np.bincount(sent, weights=table[:, _TONE], minlength=len(lengths))
        tone = (sums / np.maximum(counts, 1.0))[sent]
        rows = standing.astype(np.float64)
        standing = sum(rows[:, k] * self._standing[k] for k in range(rows.shape[1]))  # element-wise: batch-independent
        logit = self._intercept + own + before + after + tone + standing
        prob = 1.0 / (1.0 + np.exp(-logit))
        parts = {"own": own, "before": before, "after": after, "tone": tone, "standing": standing}
        return DocScores(tokens, prob, parts, self._intercept, starts)

    def _word_table(self) -> np.ndarray:
        """Every word's parts as one row (columns _OWN, _BEFORE, _AFTER, _TONE, _CONTENT) plus a last row for
        unknown words: one gather per document instead of one per part (and a cache line per word).

        _TONE is the word's tone where it counts towards its sentence's (a content word with a vector) and 0
        elsewhere; _CONTENT is 1.0 there and 0.0 elsewhere: the terms of the sentence's mean."""
        n = len(self._words)
        content = (np.arange(n) < self._n_vec) & ~self._function
        words = np.column_stack(
            [self._own, self._before, self._after, np.where(content, self._tone, 0.0), content.astype(np.float64)]
        )
        oov = [self._oov["own"], self._oov["before"], self._oov["after"], 0.0, 0.0]
        return np.vstack([words, np.asarray([oov], dtype=np.float64)])

    def _word_rows(self, words: list[str], keys: list[str], folded: list[str]) -> np.ndarray:
        """``_table``'s rows of words with their stem weights (column _STEM) and their row numbers (column
        _ROW, -1 for an unknown word; exact as floats), for ``_by_word``."""
        index = [self._index.get(w, -1) for w in folded]
        return np.column_stack([self._table[index], [self._stem_weight.get(k, 0.0) for k in keys], index])

    def _rows(self, folded: Sequence[str], keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each token's row in the word tables (-1 for an unknown word) and its stem weight, as arrays.

        Memoised by folded form and by key: the tables hold tens of thousands of words, and a look-up in a
        small dict of the words seen recently is much cheaper than one in the large ones per token.
        """
        rows, stems = self._row_memo, self._stem_memo
        n = len(folded)
        return (
            np.fromiter(map(rows.__getitem__, folded), dtype=np.int64, count=n),
            np.fromiter(map(stems.__getitem__, keys), dtype=np.float64, count=n),
        )

    def _add_bigrams(
        self,
        folded: Sequence[str],
        rows: np.ndarray,
        known: np.ndarray,
        last: np.ndarray,
        before: np.ndarray,
        after: np.ndarray,
    ) -> None:
        """Add each adjacent pair's weights: on its second word as context before it, on its first as after.

        ``rows``: the tokens' rows in the word tables (any number where ``known`` is False)."""
        if self._bigram_codes is None:  # a bigram word without a row: look the pairs up one by one
            weights = list(map(self._bigram.get, pairwise(folded)))
            hits = np.fromiter((k for k, w in enumerate(weights) if w is not None), dtype=np.int64)
            w = np.asarray([weights[k] for k in hits.tolist()], dtype=np.float64).reshape(-1, 2)
        else:
            codes = rows[:-1] * len(self._words) + rows[1:]  # as _bigram_table codes them
            at = np.minimum(np.searchsorted(self._bigram_codes, codes), len(self._bigram_codes) - 1)
            hits = np.flatnonzero((self._bigram_codes[at] == codes) & known[:-1] & known[1:])
            w = self._bigram_weights[at[hits]]
        keep = ~last[hits]  # no pair across a sentence's end
        hits, w = hits[keep], w[keep]
        if hits.size:
            before[hits + 1] += w[:, 0]  # each index once: plain fancy-index addition is exact
            after[hits] += w[:, 1]

    def is_function_word(self, word: str) -> bool:
        i = self._index.get(word)
        return i is not None and self._function_list[i]

    # ---- explanations ----------------------------------------------------------------------------

    def similar_marked(self, word: str, k: int = 3) -> tuple[str, ...]:
        """Up to ``k`` words that the training annotators marked as biased and that are closest to ``word``
        in the word-vector space (the word itself first if it was marked); from a table built at training."""
        own = (word,) if word in self._marked_set else ()
        return (own + self._similar.get(word, ()))[:k]

    def neutral_neighbours(self, word: str, k: int = 2) -> tuple[str, ...]:
        """Automatic suggestions: up to ``k`` near words in the vector space that the model rates neutral on
        their own and that are not forms of the same word (a table built at training)."""
        return self._alternatives.get(word, ())[:k]


def explanation_tables(
    words: Sequence[str],
    own: np.ndarray,
    function: np.ndarray,
    vectors: np.ndarray,
    marked: Sequence[str],
    intercept: float,
    threshold: float,
) -> dict[str, np.ndarray]:
    """For every word the model could flag on its own (its own weight within 3 log-odds of the threshold):
    the marked words nearest to it (cosine >= 0.5, up to 3, not sharing its first four letters) and up to 2
    automatic alternatives (cosine >= 0.6, rated neutral on their own: own weight 2 log-odds under the
    threshold, letters only, not grammatical, not sharing its first four letters). Stored in the model file
    so that explaining a flag costs a look-up."""
    n_vec = len(vectors)
    unit = vectors.astype(np.float32)
    unit = unit / (np.linalg.norm(unit, axis=1, keepdims=True) + 1e-9)
    cut = math.log(threshold / (1 - threshold)) - intercept
    candidates = [i for i in range(n_vec) if own[i] >= cut - 3.0 and words[i].isalpha() and not function[i]]
    index = {w: i for i, w in enumerate(words)}
    marked_rows = np.asarray([index[w] for w in marked if index.get(w, n_vec) < n_vec], dtype=np.int64)
    neutral = np.asarray([(own[j] <= cut - 2.0) and words[j].isalpha() and not function[j] for j in range(n_vec)])
    out_words, out_similar, out_alts = [], [], []
    for start in range(0, len(candidates), 512):
        rows = np.asarray(candidates[start : start + 512], dtype=np.int64)
        sims_all = unit[rows] @ unit.T  # (batch, n_vec)
        for r, i in enumerate(rows.tolist()):
            word = words[i]
            similar: list[str] = []
            if marked_rows.size:
                sims = sims_all[r, marked_rows]
                for j in np.argsort(-sims)[:50]:
                    if sims[j] < 0.5 or len(similar) >= 3:
                        break
                    w = words[marked_rows[j]]
                    if w != word and w[:4] != word[:4]:
                        similar.append(w)
            row = sims_all[r]
            top = np.argpartition(-row, min(200, n_vec - 1))[:200]
            alts: list[str] = []
            for j in top[np.argsort(-row[top])].tolist():
                if row[j] < 0.6 or len(alts) >= 2:
                    break
                if j != i and neutral[j] and words[j][:4] != word[:4]:
                    alts.append(words[j])
            if similar or alts:
                out_words.append(word)
                out_similar.append("|".join(similar))
                out_alts.append("|".join(alts))
    return {
        "explain_words": np.array(out_words, dtype=str),
        "explain_similar": np.array(out_similar, dtype=str),
        "explain_alternatives": np.array(out_alts, dtype=str),
    }


@lru_cache(maxsize=1)
def default_word_model() -> LoadedWordModel:
    return LoadedWordModel.load()
