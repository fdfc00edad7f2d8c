"""Load the trained sentence bias model and score sentences, explaining each score by its words.

The model is a scikit-learn Pipeline (word + character n-gram TF-IDF and scaled lexicon features into a
logistic regression), stored with skops (no pickle). Loading checks the file's SHA-256 against the one
recorded in metrics.json beside it and only accepts the types listed in ``TRUSTED_TYPES``.

Scoring runs the pipeline's steps by hand so that every column's contribution (coefficient x feature
value) can be attributed to a word of the sentence: word n-grams are their own terms, character n-grams
are attributed to the whitespace token they come from, lexicon/valence/marked-word counts are split over
the words that matched, and the mean of static word vectors collapses to one weight per vocabulary word
(``vectors @ coef``) times the word's share of the mean. Contributions plus the intercept add up exactly
to the logit that gives the probability (which equals ``pipeline.predict_proba``).

The scoring path is vectorised over the batch: each distinct token is analysed once per call, character
n-grams are packed into integer keys and looked up in a hash table with numpy, and the top terms are
picked with sparse/array operations rather than per-sentence Python loops.

``BiasModel.load()`` without a path loads ``$ANNOTATOR_MODEL_DIR/bias_model.skops`` when that variable is
set (a newsroom's own model, e.g. from ``annotator train --feedback DB --out DIR``), else the bundled one.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Sequence
from contextlib import contextmanager
from itertools import chain, pairwise
from operator import itemgetter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from annotator.model.features import WORD_PATTERN, QuoteFeatures, normalise, quote_feature_rows, snowball_stem
from annotator.model.files import file_sha256

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MODEL_FILE = "bias_model.skops"
DEFAULT_MODEL_PATH = MODELS_DIR / MODEL_FILE
METRICS_NAME = "metrics.json"
MODEL_DIR_ENV = "ANNOTATOR_MODEL_DIR"
DEFAULT_NAME = "BABE linear bias classifier"


def default_model_path() -> Path:
    """``$ANNOTATOR_MODEL_DIR/bias_model.skops`` when that variable is set (a newsroom's own model folder,
    e.g. from ``annotator train --feedback DB --out DIR``), else the bundled ``models/bias_model.skops``."""
    folder = os.environ.get(MODEL_DIR_ENV, "").strip()
    return Path(folder).expanduser() / MODEL_FILE if folder else DEFAULT_MODEL_PATH


# Every type the model file may contain (features under their old module path too: files trained before
# the move to annotator.model still load). Anything else in a file makes loading fail (never trusted=True).
TRUSTED_TYPES = [
    "annotator.features.AuxStackedLogisticRegression",
    "annotator.features.LexiconCounts",
    "annotator.features.MarkedWordRates",
    "annotator.features.QuoteFeatures",
    "annotator.features.ValenceFeatures",
    "annotator.features.WordVectorMean",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.float",
    "builtins.int",
    "builtins.str",
    "builtins.type",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "annotator.features.CompactCountVectorizer",
    "annotator.features.CompactTfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "annotator.model.features.AuxStackedLogisticRegression",
    "annotator.model.features.LexiconCounts",
    "annotator.model.features.MarkedWordRates",
    "annotator.model.features.QuoteFeatures",
    "annotator.model.features.ValenceFeatures",
    "annotator.model.features.WordVectorMean",
    "annotator.model.features.CompactCountVectorizer",
    "annotator.model.features.CompactTfidfVectorizer",
]

_REBUILD = "rebuild it with `annotator train` (or `python -m annotator.train train`)"
_WS = re.compile(r"\s\s+")
_WORD_RE = re.compile(WORD_PATTERN)
REPEATED_NGRAMS = "[repeated character n-grams]"
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")
COMMON_WORDS = "[common words]"
_FUNCTION_WORDS_PATH = Path(__file__).resolve().parents[1] / "data" / "function_words.txt"
QUOTE_LABELS = {
    "has_quote": "[quotation marks]",
    "quoted_share": "[quoted text]",
    "scare_quotes": "[short quoted phrase]",
}


class ModelError(Exception):
    """The model file is missing, unreadable, not the one recorded, or holds unexpected types."""


def _load_function_words(path: Path = _FUNCTION_WORDS_PATH) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.lstrip().startswith("#"))


FUNCTION_WORDS = _load_function_words()


def _shown_terms(terms: list[str]) -> list[str]:
    """How explanation terms are shown: a word or n-gram made only of grammatical words ("the", "is",
    "on the") is grouped under ``[common words]``; anything else is shown as it is."""
    fw = FUNCTION_WORDS
    return [COMMON_WORDS if t in fw or (" " in t and all(w in fw for w in t.split(" "))) else t for t in terms]


def _shown_names(names) -> np.ndarray:
    """A model's fixed table of term names as shown in explanations (see :func:`_shown_terms`)."""
    return np.asarray(_shown_terms([str(t) for t in names]), dtype=object)


def _display(token: str) -> str:
    """How a whitespace token is shown as an explanation term: lower case, edge punctuation stripped."""
    return _EDGE_PUNCT.sub("", token.translate(_APOS)).lower()


_APOS = str.maketrans({"\u2019": "'", "\u2018": "'"})
_DISPLAY: dict[str, str] = {}  # whitespace token -> _display(token) (memo; starts afresh when full)


def _display_memo(token: str) -> str:
    shown = _DISPLAY.get(token)
    if shown is None:
        if len(_DISPLAY) > 100_000:
            _DISPLAY.clear()
        shown = _DISPLAY[token] = token.lower() if token.isalnum() else _display(token)  # isalnum: nothing to strip
    return shown


class _WordTfidf:
    """scikit-learn's word n-gram TfidfVectorizer.transform for the plain configuration, as COO triples.

    Same tokens, n-grams, sublinear tf, idf and l2 norm as the vectorizer (the tests compare it with
    ``pipeline.predict_proba`` on the whole corpus); skips building an intermediate sparse matrix.
    """

    @staticmethod
    def supports(tr) -> bool:
        lo, hi = tr.ngram_range
        return (
            tr.analyzer == "word"
            and tr.input == "content"
            and tr.tokenizer is None
            and tr.preprocessor is None
            and tr.stop_words is None
            and tr.strip_accents is None
            and not tr.binary
            and tr.use_idf
            and tr.norm in ("l1", "l2")
            and 1 <= lo <= hi <= 3
        )

    @staticmethod
    def transform(
        tr, texts: list[str], tokens: list[list[str]] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``tokens``: the texts already split by the vectorizer's own token pattern and case (reused)."""
        lo, hi = tr.ngram_range
        get = tr.vocabulary_.get
        find = re.compile(tr.token_pattern).findall
        lower = tr.lowercase
        n = len(texts)
        cols: list[int] = []
        per_row: list[int] = []
        for i, text in enumerate(texts):
            toks = tokens[i] if tokens is not None else find(text.lower() if lower else text)
            grams = list(toks) if lo == 1 else []
            if hi >= 2 and lo <= 2:
                grams += [a + " " + b for a, b in pairwise(toks)]
            if hi >= 3:
                grams += [" ".join(t) for t in zip(toks, toks[1:], toks[2:], strict=False)]
            ids = [j for j in map(get, grams) if j is not None]
            cols += ids
            per_row.append(len(ids))
        rows = np.repeat(np.arange(n, dtype=np.int64), per_row)
        return _WordTfidf.weigh(tr, n, rows, np.asarray(cols, dtype=np.int64))

    @staticmethod
    def weigh(tr, n: int, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF (rows, columns, values) of the vectorizer from one (row, vocabulary id) pair per n-gram
        occurrence (repeats counted as term frequency)."""
        key, tf = np.unique(rows * len(tr.idf_) + cols, return_counts=True)
        rows, cols_arr = key // len(tr.idf_), key % len(tr.idf_)
        tf = tf.astype(np.float64)
        if tr.sublinear_tf:
            tf = np.log(tf) + 1.0
        val = tf * tr.idf_[cols_arr]
        if tr.norm == "l1":  # values are positive
            norms = np.bincount(rows, weights=val, minlength=n)
        else:
            norms = np.sqrt(np.bincount(rows, weights=val * val, minlength=n))
        norms[norms == 0] = 1.0
        return rows, cols_arr, val / norms[rows]


_TWO_LETTER_WORDS = r"(?u)\b\w\w+\b"  # scikit-learn's default token pattern
_FIND_TWO_LETTER_WORDS = re.compile(_TWO_LETTER_WORDS).findall
_JOINERS = re.compile(r"[-']")


def _two_letter_words(texts: list[str], shared: list[list[str]]) -> list[list[str]]:
    """``_TWO_LETTER_WORDS`` found in each lower-cased text, derived from its WORD_PATTERN words (found in the
    normalised text): those are runs of word characters joined by hyphens or apostrophes, so splitting them
    there and keeping parts of two characters or more gives the same words without a second regex pass. A
    text holding U+02BC (a word character that ``normalise`` turns into an apostrophe) is searched directly."""
    out = []
    for text, words in zip(texts, shared, strict=True):
        if "\u02bc" in text:
            out.append(_FIND_TWO_LETTER_WORDS(text.lower()))
            continue
        found = []
        for w in words:
            if "-" in w or "'" in w:
                found += [p for p in _JOINERS.split(w) if len(p) > 1]
            elif len(w) > 1:
                found.append(w)
        out.append(found)
    return out


def _token_two_letter_words(token: str, words: tuple[str, ...]) -> list[str]:
    """``_two_letter_words`` of one whitespace token whose normalised WORD_PATTERN words are ``words``."""
    return _two_letter_words([token], [list(words)])[0]


def _expand(col: np.ndarray, items: list) -> tuple[np.ndarray, np.ndarray]:
    """(position, item) for every item of every position: position ``p`` holds the distinct token
    ``col[p]``, whose items are ``items[col[p]]`` (a sequence of ints); in position order, each token's
    items in their own order."""
    nh = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    return _expand_flat(col, np.fromiter(chain.from_iterable(items), dtype=np.int64, count=int(nh.sum())), nh)


def _numbered(items: list[str]) -> tuple[list[str], np.ndarray]:
    """(distinct items in order of first appearance, each item's index among them), by C-level dict
    building rather than a Python loop per item."""
    distinct = dict.fromkeys(items)
    ids = dict(zip(distinct, range(len(distinct)), strict=True))
    return list(ids), np.fromiter(map(ids.__getitem__, items), dtype=np.int64, count=len(items))


def _expand_flat(col: np.ndarray, flat: np.ndarray, nh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_expand`` with the distinct tokens' items given one after another (``flat``), ``nh[t]`` of them
    for token ``t``."""
    c = nh[col]
    ends = np.cumsum(c)
    pos = np.repeat(np.arange(col.size, dtype=np.int64), c)
    return pos, flat[(np.cumsum(nh) - nh)[col][pos] + np.arange(pos.size, dtype=np.int64) - (ends - c)[pos]]


class _Batch:
    """A batch of texts split once at whitespace (as char_wb does): its distinct tokens, and for every
    token position the distinct token's index and the text's row. Every block that works word by word
    derives its words from these tokens (a word never spans whitespace), so each distinct token is
    analysed once per model (cached), not once per block and occurrence."""

    __slots__ = ("col", "n", "per_row", "row", "words")

    def __init__(self, texts: list[str]):
        split = [text.split() for text in texts]  # == sklearn's char_wb whitespace handling
        per_row = list(map(len, split))
        self.n = len(texts)
        self.words, self.col = _numbered(list(chain.from_iterable(split)))
        self.per_row = per_row
        self.row = np.repeat(np.arange(self.n, dtype=np.int64), per_row)


class _GramIndex:
    """Exact vectorised lookup of a char_wb vectorizer's n-grams for a batch of whitespace tokens.

    Every character of the vocabulary gets a small code (1..A; A+1 for any other character); an n-gram
    of at most ``hi`` characters packs into one int64 key (``bits`` per character, no collisions), and
    the vocabulary's keys sit in an open-addressing hash table (linear probing), so a batch's n-grams
    are looked up with a few numpy gathers: no per-n-gram Python work. Produces the same n-grams as
    scikit-learn's ``_char_wb_ngrams``.
    """

    _MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, vectorizer):
        lo, hi = vectorizer.ngram_range
        vocab = vectorizer.vocabulary_
        grams = list(vocab)
        lens = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        codes = _codepoints("".join(grams))
        present = np.flatnonzero(np.bincount(codes)) if codes.size else np.zeros(0, dtype=np.int64)
        self.lo, self.hi = int(lo), int(hi)
        self.bits = 63 // max(self.hi, 1)
        self.vocab = None
        self._cache: dict[str, np.ndarray] = {}  # token -> its n-grams' vocabulary ids (int32)
        if present.size + 2 >= (1 << self.bits) or (lens.size and (lens.max() > self.hi or lens.min() < 1)):
            self.vocab = vocab  # cannot pack into 64-bit keys (very long n-grams): look up in Python
            return
        # code point -> character code; the last slot (and anything beyond) is "not in the vocabulary"
        self.lut = np.full(int(present[-1]) + 2 if present.size else 1, present.size + 1, dtype=np.int64)
        self.lut[present] = np.arange(1, present.size + 1)
        keys = self._keys(self._map(codes), np.cumsum(lens) - lens, lens)
        ids = np.fromiter(vocab.values(), dtype=np.int64, count=len(grams))
        self._build(keys, ids)

    def _build(self, keys: np.ndarray, ids: np.ndarray) -> None:
        n = keys.size
        tbits = max(4, int(np.ceil(np.log2(max(4 * n, 16)))))  # load factor <= 1/4
        self.mask = (1 << tbits) - 1
        self.shift = np.uint64(64 - tbits)
        self.table_keys = np.full(1 << tbits, -1, dtype=np.int64)  # keys are > 0; -1 marks an empty slot
        self.table_ids = np.zeros(1 << tbits, dtype=np.int64)
        home = self._home(keys)
        claim = np.zeros(1 << tbits, dtype=np.int64)
        pending = np.arange(n)
        probe = 0
        while pending.size:  # round p places keys at home + p; of several keys wanting a free slot, one wins
            slot = (home[pending] + probe) & self.mask
            free = self.table_keys[slot] == -1
            cand, cslot = pending[free], slot[free]
            claim[cslot] = cand
            won = claim[cslot] == cand
            self.table_keys[cslot[won]] = keys[cand[won]]
            self.table_ids[cslot[won]] = ids[cand[won]]
            placed = np.zeros(n, dtype=bool)
            placed[cand[won]] = True
            pending = pending[~placed[pending]]
            probe += 1
        self.max_probe = probe

    def _home(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MULT) >> self.shift).astype(np.int64)

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Vocabulary id of each key, -1 if absent."""
        out = np.full(keys.size, -1, dtype=np.int64)
        active = np.arange(keys.size)
        home = self._home(keys)
        for p in range(self.max_probe):
            slot = (home + p) & self.mask
            found = self.table_keys[slot]
            hit = found == keys[active]
            out[active[hit]] = self.table_ids[slot[hit]]
            more = (found != -1) & ~hit
            if not more.any():
                break
            active, home = active[more], home[more]
        return out

    def _map(self, codes: np.ndarray) -> np.ndarray:
        return self.lut[np.minimum(codes, self.lut.size - 1)]

    def _keys(self, mapped: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
        key = np.zeros(starts.size, dtype=np.int64)
        for i in range(int(lens.max()) if lens.size else 0):
            m = lens > i
            key[m] |= mapped[starts[m] + i] << (self.bits * i)
        return key

    CACHE_SIZE = 100_000

    def lookup(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(token index, vocabulary id) for every in-vocabulary n-gram of every token, repeats kept,
        sorted by token index. Each token's ids are cached (bounded), so an article scored again, or
        text sharing most of its words with earlier calls, only analyses its new tokens."""
        cache = self._cache
        got = list(map(cache.get, words))
        miss = [i for i, ids in enumerate(got) if ids is None]
        if miss:
            new = [words[i] for i in miss]
            tok, vid = self._lookup_slow(new) if self.vocab is not None else self._lookup_new(new)
            bounds = np.searchsorted(tok, np.arange(len(new) + 1)).tolist()
            vid = vid.astype(np.int32)
            if len(cache) + len(new) > self.CACHE_SIZE:
                cache.clear()
            for j, i in enumerate(miss):
                got[i] = cache[new[j]] = vid[bounds[j] : bounds[j + 1]].copy()
        lens = np.fromiter(map(len, got), dtype=np.int64, count=len(got))
        tok = np.repeat(np.arange(len(words), dtype=np.int64), lens)
        return tok, np.concatenate(got).astype(np.int64) if got else np.zeros(0, dtype=np.int64)

    def _lookup_new(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) + 2
        mapped = self._map(_codepoints(" " + "  ".join(words) + " "))
        starts = np.cumsum(lens) - lens
        tok_parts, key_parts = [], []
        index = np.arange(len(words), dtype=np.int64)
        short = lens < self.lo  # a token shorter than the smallest n counts once, whole
        if short.any():
            tok_parts.append(index[short])
            key_parts.append(self._keys(mapped, starts[short], lens[short]))
        for k in range(self.lo, self.hi + 1):
            m = lens >= k
            if not m.any():
                break
            c = lens[m] - k + 1
            first = np.cumsum(c) - c
            pos = np.arange(int(first[-1] + c[-1]), dtype=np.int64) + np.repeat(starts[m] - first, c)
            key = mapped[pos]
            for i in range(1, k):
                key = key | (mapped[pos + i] << (self.bits * i))
            tok_parts.append(np.repeat(index[m], c))
            key_parts.append(key)
        tok = np.concatenate(tok_parts)
        vid = self._find(np.concatenate(key_parts))
        hit = vid >= 0
        tok, vid = tok[hit], vid[hit]
        order = np.argsort(tok, kind="stable")
        return tok[order], vid[order]

    def _lookup_slow(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Same result as :meth:`_lookup_new`, in Python (when n-grams are too long to pack)."""
        toks: list[int] = []
        ids: list[int] = []
        for i, w in enumerate(words):
            padded = " " + w + " "
            for k in range(self.lo, self.hi + 1):  # as sklearn's _char_wb_ngrams
                grams = [padded] if k >= len(padded) else [padded[o : o + k] for o in range(len(padded) - k + 1)]
                found = [j for j in map(self.vocab.get, grams) if j is not None]
                ids += found
                toks += [i] * len(found)
                if k >= len(padded):
                    break
        return np.asarray(toks, dtype=np.int64), np.asarray(ids, dtype=np.int64)


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector (loading creates many objects and no reference cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _display_all(tokens: list[str]) -> list[str]:
    """``_display_memo`` of each token (memo look-ups in C; the function only for tokens not yet seen)."""
    shown = list(map(_DISPLAY.get, tokens))
    if None in shown:
        shown = [d if d is not None else _display_memo(t) for d, t in zip(shown, tokens, strict=True)]
    return shown


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)


class BiasModel:
    """A loaded sentence bias classifier. Use :meth:`load`; then :meth:`score` batches of sentences."""

    def __init__(self, pipeline, info: dict, path: Path):
        self.pipeline = pipeline
        self.info = info
        self.path = path
        self._prepare()

    # ------------------------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: str | Path | None = None) -> BiasModel:
        """Load ``path`` (default: :func:`default_model_path`), verified against metrics.json beside it."""
        path = Path(path) if path is not None else default_model_path()
        name = str(path)
        if not path.is_file():
            hint = ""
            if os.environ.get(MODEL_DIR_ENV, "").strip() and path == default_model_path():
                hint = f" ({MODEL_DIR_ENV} is set to {os.environ[MODEL_DIR_ENV]})"
            raise ModelError(f"model file {name} not found{hint}; {_REBUILD}")
        metrics_path = path.parent / METRICS_NAME
        try:
            metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
            record = metrics["model"]
            expected = record["sha256"]
        except FileNotFoundError:
            raise ModelError(f"cannot verify model file {name}: {metrics_path} is missing; {_REBUILD}") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"cannot verify model file {name}: {metrics_path} is unreadable ({exc}); {_REBUILD}"
            ) from None
        actual = file_sha256(path)
        if actual != expected:
            raise ModelError(
                f"model file {name} does not match the SHA-256 recorded in {metrics_path} "
                f"(corrupt or tampered); {_REBUILD}"
            )
        try:
            import skops.io as sio

            untrusted = set(sio.get_untrusted_types(file=path))
            unexpected = sorted(untrusted - set(TRUSTED_TYPES))
            if unexpected:
                raise ModelError(f"model file {name} contains unexpected types {unexpected}; {_REBUILD}")
            with _no_gc():  # building ~10^5 small objects: the cyclic GC would rescan them again and again
                pipeline = sio.load(path, trusted=sorted(untrusted))
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"model file {name} cannot be read ({type(exc).__name__}: {exc}); {_REBUILD}") from None
        info = {
            "model_id": actual[:12],
            "name": str(record.get("name") or DEFAULT_NAME),
            "path": name,
            "sha256": actual,
            "trained_at": record.get("trained_at"),
            "n_train": record.get("n_train"),
            "sklearn_version": record.get("sklearn_version"),
        }
        headline = metrics.get("headline", {})
        info.update({k: v for k, v in headline.items() if k not in info})
        try:
            with _no_gc():
                return cls(pipeline, info, path)
        except Exception as exc:
            raise ModelError(
                f"model file {name} does not hold the expected pipeline ({type(exc).__name__}: {exc}); {_REBUILD}"
            ) from None

    def _prepare(self) -> None:
        from sklearn.pipeline import FeatureUnion, Pipeline

        pipe = self.pipeline
        if not isinstance(pipe, Pipeline) or [n for n, _ in pipe.steps] != ["features", "clf"]:
            raise TypeError("expected Pipeline(features, clf)")
        union = pipe.named_steps["features"]
        clf = pipe.named_steps["clf"]
        if not isinstance(union, FeatureUnion):
            raise TypeError("features step is not a FeatureUnion")
        coef = np.asarray(clf.coef_, dtype=np.float64).ravel()
        self._intercept = float(np.ravel(clf.intercept_)[0])
        weights = union.transformer_weights or {}
        self._parts = []
        offset = 0
        for name, tr in union.transformer_list:
            w = float(weights.get(name, 1.0))
            if name == "dense":
                inner = tr.named_steps["union"]
                scale = np.asarray(tr.named_steps["scale"].scale_, dtype=np.float64)
                subs = []
                for sub_name, sub in inner.transformer_list:
                    k = len(sub.get_feature_names_out())
                    subs.append((sub_name, sub, k))
                width = sum(k for *_, k in subs)
                part = {"name": name, "tr": tr, "subs": subs, "coef": coef[offset : offset + width] * w / scale}
            elif name == "embed":
                # mean of word vectors -> linear model == one weight per vocabulary word: vectors @ coef
                width = tr.vectors_.shape[1]
                vec = tr.vectorizer_
                part = {
                    "name": name,
                    "tr": vec,
                    "coef": tr.vectors_.astype(np.float64) @ (coef[offset : offset + width] * w),
                    "names": _shown_names(_vocabulary_names(vec.vocabulary_)),
                    "fast": _WordTfidf.supports(vec),
                    "normalise": True,
                    # the lexicon blocks' tokens (normalised text, WORD_PATTERN) can be reused as they are
                    "shared_tokens": vec.token_pattern == WORD_PATTERN and not vec.lowercase,
                }
            else:
                width = len(tr.vocabulary_)
                part = {"name": name, "tr": tr, "coef": coef[offset : offset + width] * w}
                if name == "word":
                    part["names"] = _shown_names(tr.get_feature_names_out())
                    part["fast"] = _WordTfidf.supports(tr)
                    # the default token pattern on lower-cased text: its words are the shared WORD_PATTERN
                    # words split at hyphens and apostrophes (see _two_letter_words)
                    part["from_shared"] = tr.token_pattern == _TWO_LETTER_WORDS and tr.lowercase
                if name == "char":
                    part["idf"] = np.asarray(tr.idf_, dtype=np.float64)
                    part["coef_idf"] = part["coef"] * part["idf"]
                    part["grams"] = _GramIndex(tr)
            self._parts.append(part)
            offset += width
        if offset != coef.size:
            raise ValueError(f"feature count {offset} != coefficient count {coef.size}")
        self._blocks = []
        self._word_cache: dict = {}
        for part in self._parts:
            if part["name"] != "dense":
                continue
            part["terms"] = {}
            for sub_name, sub, _ in part["subs"]:
                if not hasattr(sub, "terms"):
                    continue
                if hasattr(sub, "term_category_"):
                    part.setdefault("categories", {})[sub_name] = sub.term_category_.toarray()
                terms = np.asarray(sub.terms(), dtype=object)
                part["terms"][sub_name] = _shown_names(terms)  # for display only
                vocab = sub.vectorizer_.vocabulary_
                uni = {t: int(i) for t, i in vocab.items() if " " not in t}
                multi: dict[str, list] = {}
                for t, i in vocab.items():
                    if " " in t:
                        words = tuple(t.split(" "))
                        multi.setdefault(words[0], []).append((words, int(i)))
                self._blocks.append(
                    {
                        "offset": sum(bk["n_terms"] for bk in self._blocks),
                        "vocab": uni,
                        "multi": {k: tuple(v) for k, v in multi.items()},
                        "stem": bool(getattr(sub, "stem", False)),
                        "table": getattr(sub, "stem_table_", None) or {},
                        "binary": bool(sub.vectorizer_.binary),
                        "n_terms": len(terms),
                    }
                )
            part["has_blocks"] = bool(part["terms"])
            part.setdefault("categories", {})
        self._n_block_terms = sum(bk["n_terms"] for bk in self._blocks)
        # merged lookups with global term ids: word -> ids of the (unstemmed) terms it is; first word ->
        # (multi-word term, id); and per stemmed block (stem table, stem -> id)
        uni_ids: dict[str, list[int]] = {}
        multi_ids: dict[str, list] = {}
        self._stem_blocks = []
        for blk in self._blocks:
            off = blk["offset"]
            if blk["stem"]:
                self._stem_blocks.append((blk["table"], {t: off + i for t, i in blk["vocab"].items()}))
            else:
                for t, i in blk["vocab"].items():
                    uni_ids.setdefault(t, []).append(off + i)
            for first, seqs in blk["multi"].items():
                multi_ids.setdefault(first, []).extend((words, off + i) for words, i in seqs)
        self._uni_ids = {t: tuple(v) for t, v in uni_ids.items()}
        self._multi_ids = {t: tuple(v) for t, v in multi_ids.items()}
        self._prepare_tokens()

    def _prepare_tokens(self) -> None:
        """Tables for scoring from each distinct whitespace token once (see ``_Batch``): possible when the
        word n-gram block (1-2-grams) takes its words from the shared ones (``from_shared``) and the
        embedding block is a unigram vectorizer of the shared words. Other configurations take the
        general path (each block tokenises the texts itself)."""
        names = {p["name"]: p for p in self._parts}
        word, embed = names.get("word"), names.get("embed")
        self._tok_cache: dict[str, tuple] = {}
        self._embed_vocab = embed["tr"].vocabulary_ if embed is not None else None
        self._unified = (
            word is None
            or (
                bool(word.get("fast"))
                and bool(word.get("from_shared"))
                and word["tr"].ngram_range[0] == 1
                and word["tr"].ngram_range[1] <= 2
            )
        ) and (
            embed is None
            or (
                bool(embed.get("fast"))
                and bool(embed.get("shared_tokens"))
                and tuple(embed["tr"].ngram_range) == (1, 1)
            )
        )
        self._word_vocab = word["tr"].vocabulary_ if self._unified and word is not None else None
        self._bigrams: tuple[np.ndarray, np.ndarray] | None = None  # built on first use (see _bigram_table)

    def _bigram_table(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The word block's bigrams as sorted keys ``a * V + b`` (``a``, ``b``: the words' unigram ids, V the
        vocabulary size) and their ids; built on the first call (not at load: ~0.1 s). None, and the general
        path from then on, if some bigram's word is not itself in the vocabulary (e.g. a capped one)."""
        if self._bigrams is None:
            vocab = self._word_vocab
            get, size = vocab.get, len(vocab)
            keys: list[int] = []
            ids: list[int] = []
            for term, i in vocab.items():
                a, sep, b = term.partition(" ")
                if sep:
                    ia, ib = get(a), get(b)
                    if ia is None or ib is None:
                        self._unified = False
                        return None
                    keys.append(ia * size + ib)
                    ids.append(i)
            k = np.asarray(keys, dtype=np.int64)
            order = np.argsort(k, kind="stable")
            self._bigrams = (k[order], np.asarray(ids, dtype=np.int64)[order])
        return self._bigrams

    TOKEN_CACHE_SIZE = 100_000  # about 250 bytes each (the words, their ids); starts afresh when full

    def _token_record(self, token: str) -> tuple:
        """One whitespace token's (normalised WORD_PATTERN words, embedding-block ids of those words,
        word-block unigram ids of its two-letter words (-1: not in the vocabulary)); cached."""
        words = tuple(_WORD_RE.findall(normalise((token,))[0]))
        emb, vocab = self._embed_vocab, self._word_vocab
        ids = tuple(j for j in map(emb.get, words) if j is not None) if emb is not None else ()
        two = tuple(vocab.get(w, -1) for w in _token_two_letter_words(token, words)) if vocab is not None else ()
        if len(self._tok_cache) >= self.TOKEN_CACHE_SIZE:
            self._tok_cache.clear()
        rec = self._tok_cache[token] = (words, ids, two)
        return rec

    # ------------------------------------------------------------------------------------ scoring

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Calibrated probability that each sentence is biased (no explanations; fastest path)."""
        logits, _ = self._forward(list(sentences), explain=False)
        return _sigmoid(logits)

    def score(self, sentences: list[str], top_k: int = 5) -> list[tuple[float, tuple[tuple[str, float], ...]]]:
        """Per sentence: (probability biased, top_k (term, contribution) pairs that pushed the score).

        A contribution is coefficient x feature value, in log-odds, attributed to a word or n-gram of the
        sentence (sentence-level features have bracketed names such as ``[quoted text]``). Terms that pushed
        towards "biased" come first, largest first; if there are fewer than ``top_k`` of them the rest are
        the strongest terms pushing the other way. Grammatical words such as "the" or "is" are summed into
        one ``[common words]`` term that never leads: when it is among the strongest it comes last, after
        up to ``top_k`` terms a journalist can act on (a remainder views may leave out).
        """
        texts = ["" if s is None else str(s) for s in sentences]
        if not texts:
            return []
        logits, raw = self.contributions(texts)
        return list(zip(_sigmoid(logits).tolist(), self.rank_terms(len(texts), raw, top_k), strict=True))

    def contributions(self, texts: list[str]) -> tuple[np.ndarray, list[tuple]]:
        """(log-odds of each text, the contributions that make them up): a list of ``(rows, codes, values,
        names)`` blocks, value ``values[i]`` going to text ``rows[i]`` under the term ``names[codes[i]]``.
        For callers that add terms of their own before ranking (see :meth:`rank_terms`)."""
        return self._forward(texts, explain=True)

    def rank_terms(self, n: int, contributions: list[tuple], top_k: int) -> list[tuple[tuple[str, float], ...]]:
        """Per text of ``n``: the ``top_k`` terms of the summed ``contributions`` as :meth:`score` ranks them."""
        return [_common_words_last(t, top_k) for t in self._top_terms(n, contributions, top_k + 1)]

    def _top_terms(self, n: int, raw, k: int) -> list[tuple[tuple[str, float], ...]]:
        """Sum contributions per (sentence, term) and pick each sentence's top k, vectorised.

        ``raw`` is a list of ``(rows, codes, values, table)``: contribution ``values[i]`` of sentence
        ``rows[i]`` goes to the term ``table[codes[i]]``. Term names are interned once per distinct
        (table, code), not once per contribution.
        """
        out: list[tuple[tuple[str, float], ...]] = [()] * n
        if k <= 0 or not raw:
            return out
        # per call (no shared mutable state, so one model can serve threads): every block's distinct names in
        # one list, numbered in order of first appearance
        terms: list[str] = []
        where = []
        for _, codes, _, table in raw:
            codes = np.asarray(codes, dtype=np.int64)
            if codes.size > 2 * len(table):  # small table (e.g. one label): intern it whole
                used, inv = np.arange(len(table)), codes
            else:
                used, inv = np.unique(codes, return_inverse=True)
            if isinstance(table, np.ndarray):  # arrays were mapped once, when the model was loaded
                terms += table[used].tolist()
            else:
                terms += _shown_terms(list(map(table.__getitem__, used.tolist())))
            where.append(len(terms) - len(used) + inv.ravel())
        names_list, mapped = _numbered(terms)
        gids = [mapped[w] for w in where]
        r = np.concatenate([np.asarray(x[0], dtype=np.int64) for x in raw])
        v = np.concatenate([np.asarray(x[2], dtype=np.float64) for x in raw])
        if not r.size:
            return out
        key = r * (1 << 32) + np.concatenate(gids)
        uniq, inv = np.unique(key, return_inverse=True)
        agg = np.bincount(inv.ravel(), weights=v, minlength=uniq.size)
        ur, un = uniq >> 32, uniq & ((1 << 32) - 1)
        pos = agg > 0
        neg = agg < 0
        # positives: by row, largest first
        pi = np.nonzero(pos)[0]
        pi = pi[np.lexsort((-agg[pi], ur[pi]))]
        prank = np.arange(pi.size) - np.searchsorted(ur[pi], ur[pi], side="left")
        npos = np.minimum(np.bincount(ur[pi], minlength=n), k)
        pi = pi[prank < k]
        # negatives: by row, most negative first, filling up to k
        ni = np.nonzero(neg)[0]
        ni = ni[np.lexsort((agg[ni], ur[ni]))]
        nrank = np.arange(ni.size) - np.searchsorted(ur[ni], ur[ni], side="left")
        ni = ni[nrank < (k - npos[ur[ni]])]
        sel = np.concatenate([pi, ni])
        group = np.concatenate([np.zeros(pi.size), np.ones(ni.size)])
        order = np.lexsort((np.arange(sel.size), group, ur[sel]))
        sel = sel[order]
        srow = ur[sel]
        bounds = np.flatnonzero(np.r_[True, srow[1:] != srow[:-1], True])
        items = list(zip(map(names_list.__getitem__, un[sel].tolist()), np.round(agg[sel], 4).tolist(), strict=True))
        for a, b, row in zip(bounds[:-1].tolist(), bounds[1:].tolist(), srow[bounds[:-1]].tolist(), strict=True):
            out[row] = tuple(items[a:b])
        return out

    def _forward(self, texts: list[str], explain: bool):
        n = len(texts)
        logits = np.full(n, self._intercept)
        raw: list[tuple] = []
        batch = _Batch(texts)
        recs = None
        if self._unified and self._word_vocab is not None:
            self._bigram_table()  # may turn the one-pass path off
        if self._unified:
            get = self._tok_cache.get
            recs = [get(w) or self._token_record(w) for w in batch.words]
        shared: list = []

        def tokens() -> list[list[str]]:
            """Each text normalised and split into WORD_PATTERN words (the general path), once per call."""
            if not shared:
                shared.append([_WORD_RE.findall(t) for t in normalise(texts)])
            return shared[0]

        for part in self._parts:
            kind = part["name"]
            if kind == "char":
                logits += self._char_part(part, batch, raw if explain else None)
                continue
            if kind == "dense":
                words = self._batch_words(batch, recs) if recs is not None else _distinct(tokens())
                self._dense_part(part, texts, logits, raw if explain else None, words)
                continue
            if recs is not None and kind == "word":
                rows, cols, vals = self._word_grams(part, batch, recs)
            elif recs is not None and kind == "embed":
                pos, ids = _expand(batch.col, [r[1] for r in recs])
                rows, cols, vals = _WordTfidf.weigh(part["tr"], n, batch.row[pos], ids)
            elif part.get("fast"):
                if part.get("shared_tokens"):
                    rows, cols, vals = _WordTfidf.transform(part["tr"], texts, tokens())
                elif part.get("from_shared"):
                    rows, cols, vals = _WordTfidf.transform(part["tr"], texts, _two_letter_words(texts, tokens()))
                else:
                    rows, cols, vals = _WordTfidf.transform(
                        part["tr"], normalise(texts) if part.get("normalise") else texts
                    )
            else:
                X = part["tr"].transform(normalise(texts) if part.get("normalise") else texts)
                logits += X @ part["coef"]
                if explain:
                    C = X.multiply(part["coef"]).tocoo() if sp.issparse(X) else sp.coo_matrix(X * part["coef"])
                    raw.append((C.row, C.col, C.data, part["names"]))
                continue
            contrib = vals * part["coef"][cols]
            logits += np.bincount(rows, weights=contrib, minlength=n)
            if explain:
                raw.append((rows, cols, contrib, part["names"]))
        return logits, (raw if explain else None)

    def _word_grams(self, part, batch: _Batch, recs: list[tuple]):
        """The word n-gram block's TF-IDF triples from the tokens' cached unigram ids: bigrams (adjacent
        words of one text, both in the vocabulary) by binary search in the sorted bigram keys."""
        pos, idx = _expand(batch.col, [r[2] for r in recs])
        rows = batch.row[pos]
        m = idx >= 0
        rows_out, cols_out = [rows[m]], [idx[m]]
        keys, ids = self._bigram_table()
        if part["tr"].ngram_range[1] >= 2 and idx.size > 1 and keys.size:
            a, b = idx[:-1], idx[1:]
            ok = (rows[1:] == rows[:-1]) & (a >= 0) & (b >= 0)
            key = a[ok] * len(self._word_vocab) + b[ok]
            at = np.minimum(np.searchsorted(keys, key), keys.size - 1)
            hit = keys[at] == key
            rows_out.append(rows[:-1][ok][hit])
            cols_out.append(ids[at[hit]])
        return _WordTfidf.weigh(part["tr"], batch.n, np.concatenate(rows_out), np.concatenate(cols_out))

    @staticmethod
    def _batch_words(batch: _Batch, recs: list[tuple]):
        """(distinct normalised words, per-position index into them, words per text) from the tokens."""
        per_token = list(map(itemgetter(0), recs))
        words, ids = _numbered(list(chain.from_iterable(per_token)))
        nh = np.fromiter(map(len, per_token), dtype=np.int64, count=len(per_token))
        pos, col = _expand_flat(batch.col, ids, nh)
        return words, col, np.bincount(batch.row[pos], minlength=batch.n)

    # ----------------------------------------------------------------------- character n-grams

    def _char_part(self, part, batch: _Batch, raw) -> np.ndarray:
        """char_wb TF-IDF logits, vectorised over the batch's distinct tokens (same values as the vectorizer).

        If ``raw`` is a list, explanations are appended to it: each token is credited with sum(coef * idf)
        of its n-grams / the sentence norm, which is exact when no n-gram repeats in the sentence; the
        small remainder from repeated n-grams (damped by sublinear tf) is reported as one bracketed term
        so contributions still add up to the logit.
        """
        n = batch.n
        words = batch.words
        if not words:
            if raw is not None:
                raw.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), [""]))
            return np.zeros(n)
        lower = part["tr"].lowercase
        # (token index, vocabulary id) per n-gram found, with repeats
        tok, vid = part["grams"].lookup([w.lower() for w in words] if lower else words)
        nt, nv = len(words), len(part["idf"])
        tr, per_row = part["tr"], batch.per_row
        # repeated n-grams of a token stay as duplicate entries; the sparse product sums them
        T = sp.csr_matrix(
            (np.ones(tok.size), vid, np.concatenate([[0], np.cumsum(np.bincount(tok, minlength=nt))])),
            shape=(nt, nv),
        )
        row_arr, col_arr = batch.row, batch.col
        S = sp.csr_matrix((np.ones(col_arr.size), col_arr, np.concatenate([[0], np.cumsum(per_row)])), shape=(n, nt))
        counts = (S @ T).tocsr()
        r = np.repeat(np.arange(n), np.diff(counts.indptr))
        tf = counts.data
        if tr.sublinear_tf:
            tf = 1.0 + np.log(tf)
        val = tf * part["idf"][counts.indices]
        norms = np.sqrt(np.bincount(r, weights=val * val, minlength=n))
        norms[norms == 0] = 1.0
        logits = np.bincount(r, weights=val * part["coef"][counts.indices], minlength=n) / norms
        if raw is None:
            return logits
        a = np.bincount(tok, weights=part["coef_idf"][vid], minlength=nt)
        disp = _display_all([w.lower() for w in words] if lower else words)
        shown = np.fromiter(map(bool, disp), dtype=bool, count=nt)
        contrib = a[col_arr] / norms[row_arr]
        rest = logits - np.bincount(row_arr, weights=contrib, minlength=n)
        keep = (contrib != 0) & shown[col_arr]
        rest += np.bincount(row_arr[~keep], weights=contrib[~keep], minlength=n)
        nz = np.nonzero(np.abs(rest) > 1e-12)[0]
        disp.append(REPEATED_NGRAMS)
        raw.append(
            (
                np.concatenate([row_arr[keep], nz]),
                np.concatenate([col_arr[keep], np.full(nz.size, nt, dtype=np.int64)]),
                np.concatenate([contrib[keep], rest[nz]]),
                disp,
            )
        )
        return logits

    # --------------------------------------------------------------- lexicon-type blocks (cached)

    def _word_entry(self, tok: str):
        """Per normalised word: global ids of the block terms it is, and multi-word terms it may start."""
        stemmed: tuple[int, ...] = ()
        for table, vocab in self._stem_blocks:
            gid = vocab.get(table.get(tok) or snowball_stem(tok))
            if gid is not None:
                stemmed += (gid,)
        entry = (self._uni_ids.get(tok, ()) + stemmed, self._multi_ids.get(tok, ()), stemmed)
        if len(self._word_cache) > 300_000:
            self._word_cache.clear()
        self._word_cache[tok] = entry
        return entry

    def _match_blocks(self, n: int, words: list[str], col_arr: np.ndarray, per_row) -> list:
        """Per dense block: matched (rows, terms, counts) and (row, term) -> surface word (stemmed blocks).

        ``words``: the batch's distinct normalised words; ``col_arr``: the word at each position (texts one
        after another, ``per_row`` words each). Words are looked up once per distinct word (cached per
        model); the per-position expansion is done with numpy; only positions whose word can start a
        multi-word term are checked in Python.
        """
        entries = list(map(self._word_cache.get, words))
        if None in entries:
            entries = [e or self._word_entry(w) for e, w in zip(entries, words, strict=True)]
        row_arr = np.repeat(np.arange(n, dtype=np.int64), per_row)
        at, g = _expand(col_arr, list(map(itemgetter(0), entries)))  # (position, term) of every hit
        r = row_arr[at]
        starters = [u for u, e in enumerate(entries) if e[1]]
        if starters:
            is_start = np.zeros(len(entries), dtype=bool)
            is_start[starters] = True
            ends = np.cumsum(per_row).tolist()
            cols = col_arr.tolist()
            extra_r, extra_g = [], []
            at_start = np.flatnonzero(is_start[col_arr])
            for p, i in zip(at_start.tolist(), row_arr[at_start].tolist(), strict=True):
                for seq, gid in entries[cols[p]][1]:
                    q = p + len(seq)
                    if q <= ends[i] and words[cols[p + 1]] == seq[1] and tuple(words[j] for j in cols[p:q]) == seq:
                        extra_r.append(i)
                        extra_g.append(gid)
            r = np.concatenate([r, np.asarray(extra_r, dtype=np.int64)])
            g = np.concatenate([g, np.asarray(extra_g, dtype=np.int64)])
        total = max(self._n_block_terms, 1)
        key, cnt = np.unique(r * total + g, return_counts=True)
        r_all, g_all = key // total, key % total
        out = []
        for blk in self._blocks:
            lo, hi = blk["offset"], blk["offset"] + blk["n_terms"]
            m = (g_all >= lo) & (g_all < hi)
            rb, tb = r_all[m], g_all[m] - lo
            cb = np.ones(rb.size) if blk["binary"] else cnt[m].astype(np.float64)
            surface = {}
            if blk["stem"]:  # the first word of the sentence that gave each stem, to show it
                hm = np.flatnonzero((g[: at.size] >= lo) & (g[: at.size] < hi))
                _, idx = np.unique(r[hm] * total + g[hm], return_index=True)
                hm = hm[idx]
                surface = {
                    (i, t - lo): words[w]
                    for i, t, w in zip(r[hm].tolist(), g[hm].tolist(), col_arr[at[hm]].tolist(), strict=True)
                }
            out.append((rb, tb, cb, surface))
        return out

    def _dense_part(self, part, texts, logits, raw, words):
        """Lexicon-type blocks from matched (sentence, term, count) triples; same values as transform().
        ``words``: (distinct normalised words, word per position, words per text), see ``_match_blocks``."""
        explain = raw is not None
        coef = part["coef"]
        off = 0
        n = len(texts)
        matched = iter(self._match_blocks(n, *words)) if part["has_blocks"] else iter(())
        for sub_name, sub, k in part["subs"]:
            c = coef[off : off + k]
            off += k
            if sub_name not in part["terms"]:  # sentence-level features (quotes)
                F = quote_feature_rows(texts) if isinstance(sub, QuoteFeatures) else sub.transform(texts)
                contrib = F * c
                logits += contrib.sum(axis=1)
                if explain:
                    for j, fname in enumerate(sub.get_feature_names_out()):
                        nz = np.nonzero(contrib[:, j])[0]
                        label = QUOTE_LABELS.get(fname, f"[{fname}]")
                        raw.append((nz, np.zeros(nz.size, dtype=np.int64), contrib[nz, j], [label]))
                continue
            r, t, cnt, surface = next(matched)
            F, W = _block_features(sub, n, r, t, cnt, part["categories"].get(sub_name))
            contrib = F * c  # (n, k)
            logits += contrib.sum(axis=1)
            if not explain or not r.size:
                continue
            # split each column's contribution over the matched terms in proportion to their weights
            tot = np.bincount((r[:, None] * k + np.arange(k)).ravel(), weights=W.ravel(), minlength=n * k)
            tot = tot.reshape(n, k)[r]
            part_of = np.zeros(W.shape)
            np.divide(contrib[r] * W, tot, out=part_of, where=tot > 0)
            share = np.zeros(r.size)
            for j in range(k):  # column by column, as the sums were always made
                share += part_of[:, j]
            keep = share != 0
            rr, tt = r[keep], t[keep]
            if getattr(sub, "stem", False):  # show the sentence's own word, not the stem
                terms = part["terms"][sub_name]
                shown = [surface.get((i, j)) or terms[j] for i, j in zip(rr.tolist(), tt.tolist(), strict=True)]
                raw.append((rr, np.arange(rr.size), share[keep], shown))
            else:
                raw.append((rr, tt, share[keep], part["terms"][sub_name]))


def _distinct(tokens: list[list[str]]) -> tuple[list[str], np.ndarray, list[int]]:
    """(distinct words, index of each position's word, words per text) of texts split into words."""
    words, cols = _numbered(list(chain.from_iterable(tokens)))
    return words, cols, [len(t) for t in tokens]


def _vocabulary_names(vocabulary: dict[str, int]) -> np.ndarray:
    """Terms by column index (what get_feature_names_out gives, without sorting)."""
    names = np.empty(len(vocabulary), dtype=object)
    names[np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))] = list(vocabulary)
    return names


def _row_max(n: int, r: np.ndarray, v: np.ndarray) -> np.ndarray:
    out = np.zeros(n)
    if r.size:
        np.maximum.at(out, r, v)
    return out


def _row_argmax_indicator(n: int, r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """1.0 for the first pair holding its row's largest value (if that value is > 0)."""
    ind = np.zeros(r.size)
    if r.size:
        order = np.lexsort((np.arange(r.size), -v, r))
        first = order[np.r_[True, r[order][1:] != r[order][:-1]]]
        ind[first[v[first] > 0]] = 1.0
    return ind


def _block_features(sub, n: int, r: np.ndarray, t: np.ndarray, cnt: np.ndarray, categories=None):
    """(features (n, k), per-pair weights (pairs, k)) for one lexicon-type block.

    Mirrors the block's ``transform`` exactly; the weights say how each feature column is shared
    among the matched terms of a sentence when explaining a score.
    """
    from annotator.model.features import LexiconCounts, MarkedWordRates, ValenceFeatures

    if isinstance(sub, LexiconCounts):
        # ``categories``: the block's (terms, categories) matrix made dense once (picking rows of the sparse one
        # costs ~0.1 ms per call)
        if categories is None:
            categories = sub.term_category_.toarray()
        tc = categories[t]
        W = tc * cnt[:, None]
        counts = np.column_stack([np.bincount(r, weights=W[:, j], minlength=n) for j in range(W.shape[1])])
        if sub.scale == "log1p":
            F = np.log1p(counts)
        elif sub.scale == "binary":
            F = (counts > 0).astype(np.float64)
        else:
            F = counts
        return F, W
    if isinstance(sub, ValenceFeatures):
        v = sub.valence_[t]
        pos, neg = np.clip(v, 0, None), np.clip(-v, 0, None)
        weighted = cnt * np.abs(v)
        W = np.column_stack(
            [cnt * pos, cnt * neg, cnt * (pos > 0), cnt * (neg > 0), _row_argmax_indicator(n, r, weighted)]
        )
        F = np.column_stack(
            [
                np.bincount(r, weights=W[:, 0], minlength=n),
                np.bincount(r, weights=W[:, 1], minlength=n),
                np.log1p(np.bincount(r, weights=W[:, 2], minlength=n)),
                np.log1p(np.bincount(r, weights=W[:, 3], minlength=n)),
                _row_max(n, r, weighted),
            ]
        )
        return F, W
    if isinstance(sub, MarkedWordRates):
        ex = sub.excess_[t] * cnt
        hi = sub.high_[t] * cnt
        W = np.column_stack([ex, hi, _row_argmax_indicator(n, r, ex)])
        F = np.column_stack(
            [
                np.bincount(r, weights=ex, minlength=n),
                np.bincount(r, weights=hi, minlength=n),
                _row_max(n, r, ex),
            ]
        )
        return F, W
    raise TypeError(f"unsupported feature block {type(sub).__name__}")


def _common_words_last(terms: tuple[tuple[str, float], ...], k: int) -> tuple[tuple[str, float], ...]:
    """Up to ``k`` terms other than ``[common words]``, in order, then ``[common words]`` if it was there."""
    content = tuple(t for t in terms if t[0] != COMMON_WORDS)[:k]
    common = tuple(t for t in terms if t[0] == COMMON_WORDS)
    return content + common


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))


__all__ = [
    "DEFAULT_MODEL_PATH",
    "MODEL_DIR_ENV",
    "TRUSTED_TYPES",
    "BiasModel",
    "ModelError",
    "default_model_path",
    "file_sha256",
]
