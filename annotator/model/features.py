"""Hand-crafted sentence features for the bias classifier, as scikit-learn transformers.

Each transformer turns a sequence of sentences into a small block of numeric columns that a linear
model can weigh: counts of words from bias-related word lists (Recasens et al. 2013, the project's
own loaded-terms lexicon), VADER valence sums, and how much of the sentence is inside quote marks.

The word lists are passed in as parameters and copied into the fitted estimator, so a trained model
carries everything it needs and does not read ../shared/data at run time. Loading the lists from disk
is done by the helpers at the bottom (used by training only).

Conventions: ``__init__`` only stores parameters; ``fit`` sets attributes ending in ``_``;
``transform`` is vectorised over the batch (one sparse matrix product per call).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

# Words, allowing inner hyphens and apostrophes ("so-called", "couldn't"). Used by the lexicon matchers.
WORD_PATTERN = r"(?u)\b\w+(?:[-']\w+)*\b"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})


_SEP = "\n"


def _pack(value):
    """Big str->number dicts and str->list[str] dicts become one joined string + arrays (compact files)."""
    if isinstance(value, dict) and len(value) > 50 and all(isinstance(k, str) for k in value):
        keys = list(value)
        if not any(_SEP in k for k in keys):
            vals = list(value.values())
            if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in vals):
                return {"__packed__": "str_int", "keys": _SEP.join(keys), "values": np.asarray(vals, dtype=np.int64)}
            if all(isinstance(v, str) and _SEP not in v for v in vals):
                return {"__packed__": "str_str", "keys": _SEP.join(keys), "values": _SEP.join(vals)}
            if all(isinstance(v, (float, np.floating)) for v in vals):
                return {
                    "__packed__": "str_float",
                    "keys": _SEP.join(keys),
                    "values": np.asarray(vals, dtype=np.float64),
                }
    if (
        isinstance(value, dict)
        and value
        and all(
            isinstance(k, str) and isinstance(v, (list, tuple)) and all(isinstance(t, str) and _SEP not in t for t in v)
            for k, v in value.items()
        )
    ):
        return {"__packed__": "str_list", "keys": list(value), "lists": [_SEP.join(v) for v in value.values()]}
    return value


def _unpack(value):
    if isinstance(value, dict) and "__packed__" in value:
        kind = value["__packed__"]
        if kind in ("str_int", "str_float"):
            keys = value["keys"].split(_SEP) if value["keys"] else []
            cast = int if kind == "str_int" else float
            return dict(zip(keys, map(cast, value["values"].tolist()), strict=True))
        if kind == "str_str":
            keys = value["keys"].split(_SEP) if value["keys"] else []
            return dict(zip(keys, value["values"].split(_SEP) if keys else [], strict=True))
        if kind == "str_list":
            return {k: (v.split(_SEP) if v else []) for k, v in zip(value["keys"], value["lists"], strict=True)}
    return value


class CompactStateMixin:
    """Stores large vocabulary/lexicon dicts as one string + an array, so skops files stay small and
    load fast (skops writes every dict entry as its own JSON node). ``stop_words_`` (terms pruned by
    min_df, only kept for inspection; scikit-learn documents it as safe to drop) is not stored."""

    def __getstate__(self):
        state = super().__getstate__()
        state = dict(state)
        state.pop("stop_words_", None)
        return {k: _pack(v) for k, v in state.items()}

    def __setstate__(self, state):
        super().__setstate__({k: _unpack(v) for k, v in state.items()})


class CompactTfidfVectorizer(CompactStateMixin, TfidfVectorizer):
    """TfidfVectorizer whose saved state is compact (same behaviour)."""


class CompactCountVectorizer(CompactStateMixin, CountVectorizer):
    """CountVectorizer whose saved state is compact (same behaviour)."""


def normalise(texts: Iterable[str]) -> list[str]:
    """Lower-case view of each text with typographic apostrophes/hyphens mapped to ASCII (same length)."""
    # the mapping only touches non-ASCII characters: ASCII texts (most) skip the slow dict-based translate
    return [(t if t.isascii() else t.translate(_APOSTROPHES)).lower() for t in map(str, texts)]


def _term_tokens(term: str) -> tuple[str, ...]:
    return tuple(re.findall(WORD_PATTERN, normalise([term])[0]))


class TermBlockMixin:
    """For the word-list blocks: a fitted ``vectorizer_`` whose columns are the block's terms."""

    def _analyse(self, X) -> list[str]:
        return normalise(X)

    def term_matches(self, X) -> sp.csr_matrix:
        """Sparse (n_sentences, n_terms) count matrix of the block's terms found in each sentence."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(self._analyse(X))

    def terms(self) -> np.ndarray:
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()


class LexiconCounts(CompactStateMixin, TermBlockMixin, TransformerMixin, BaseEstimator):
    """Count, per sentence, the words that belong to each of several word lists.

    Parameters
    ----------
    lexicons : mapping of category name -> sequence of terms
        Terms are matched case-insensitively as whole words; multi-word terms (up to 6 words) are
        matched as word n-grams. A term may belong to several categories.
    scale : {"log1p", "count", "binary"}
        How the per-category counts are turned into feature values.
    """

    def __init__(self, lexicons: Mapping[str, Sequence[str]] | None = None, scale: str = "log1p"):
        self.lexicons = lexicons
        self.scale = scale

    def fit(self, X, y=None):
        if not self.lexicons:
            raise ValueError("LexiconCounts needs a non-empty `lexicons` mapping")
        if self.scale not in ("log1p", "count", "binary"):
            raise ValueError(f"unknown scale {self.scale!r}")
        self.categories_ = np.array(sorted(self.lexicons), dtype=object)
        vocab: dict[str, int] = {}
        rows, cols = [], []
        max_n = 1
        for j, cat in enumerate(self.categories_):
            for term in self.lexicons[cat]:
                toks = _term_tokens(term)
                if not toks or len(toks) > 6:
                    continue
                key = " ".join(toks)
                max_n = max(max_n, len(toks))
                i = vocab.setdefault(key, len(vocab))
                rows.append(i)
                cols.append(j)
        if not vocab:
            raise ValueError("LexiconCounts: the word lists contain no usable terms")
        m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vocab), len(self.categories_)))
        m.data[:] = 1.0  # a term listed twice in one category still counts once
        self.term_category_ = m
        self.vectorizer_ = CompactCountVectorizer(
            vocabulary=vocab,
            ngram_range=(1, max_n),
            token_pattern=WORD_PATTERN,
            lowercase=False,
            dtype=np.float64,
        ).fit([])
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        counts = (self.term_matches(X) @ self.term_category_).toarray()
        if self.scale == "log1p":
            return np.log1p(counts)
        if self.scale == "binary":
            return (counts > 0).astype(np.float64)
        return counts

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "categories_")
        return np.array([str(c) for c in self.categories_], dtype=object)


class ValenceFeatures(CompactStateMixin, TermBlockMixin, TransformerMixin, BaseEstimator):
    """VADER-style valence of a sentence from a word -> valence lexicon (no rules, just the words).

    Columns: ``pos_sum``, ``neg_sum`` (absolute), ``pos_count``, ``neg_count``, ``max_abs``, each of the
    sums divided by ``norm`` (VADER valences run from -4 to +4).
    """

    def __init__(self, lexicon: Mapping[str, float] | None = None, norm: float = 4.0):
        self.lexicon = lexicon
        self.norm = norm

    def fit(self, X, y=None):
        if not self.lexicon:
            raise ValueError("ValenceFeatures needs a non-empty `lexicon` mapping")
        vocab: dict[str, int] = {}
        vals: list[float] = []
        for word, val in self.lexicon.items():
            toks = _term_tokens(word)
            if len(toks) != 1 or toks[0] in vocab or not re.fullmatch(r"[a-z][a-z'-]*", toks[0]):
                continue
            vocab[toks[0]] = len(vocab)
            vals.append(float(val) / float(self.norm))
        self.valence_ = np.asarray(vals)
        self.vectorizer_ = CompactCountVectorizer(
            vocabulary=vocab, token_pattern=WORD_PATTERN, lowercase=False, dtype=np.float64
        ).fit([])
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        counts = self.term_matches(X)
        pos = np.clip(self.valence_, 0, None)
        neg = np.clip(-self.valence_, 0, None)
        pos_sum = counts @ pos
        neg_sum = counts @ neg
        pos_count = counts @ (pos > 0).astype(np.float64)
        neg_count = counts @ (neg > 0).astype(np.float64)
        weighted = counts.multiply(np.abs(self.valence_)[None, :]).tocsr()
        max_abs = weighted.max(axis=1).toarray().ravel()
        out = np.column_stack([pos_sum, neg_sum, np.log1p(pos_count), np.log1p(neg_count), max_abs])
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array(["pos_sum", "neg_sum", "pos_count", "neg_count", "max_abs"], dtype=object)


# A quoted stretch: “...”, "...", or «...»; short inner text only (no nested quote marks).
_QUOTE_SPAN = re.compile(r"[\"\u201c\u201d\u00ab]([^\"\u201c\u201d\u00ab\u00bb]{1,600})[\"\u201c\u201d\u00bb]")
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d\u00ab\u00bb]|(?<!\w)[\u2018'](?=\w)|(?<=\w)[\u2019'](?!\w)")
_SCARE = re.compile(r"[\"\u201c\u2018'](\w+(?:[\s-]\w+){0,2})[\"\u201d\u2019']")


_QUOTE_CANDIDATE = re.compile("[\"\u201c\u201d\u00ab\u00bb\u2018\u2019']")
_DOUBLE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb')


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # what ``\w`` matches in a str pattern


def has_quote_mark(text: str) -> bool:
    """``_QUOTE_MARK.search(text)`` without its look-arounds at every position (the regex costs ~10 us per
    sentence): find the candidate characters, then check the neighbours of single marks in Python."""
    for m in _QUOTE_CANDIDATE.finditer(text):
        c = m.group()
        if c in _DOUBLE_MARKS:
            return True
        i = m.start()
        before = i > 0 and _is_word_char(text[i - 1])
        after = i + 1 < len(text) and _is_word_char(text[i + 1])
        if c in "\u2018'" and not before and after:  # an opening single mark
            return True
        if c in "\u2019'" and before and not after:  # a closing single mark
            return True
    return False


def quote_feature_rows(texts) -> np.ndarray:
    """``QuoteFeatures`` columns of each text (a plain function: the scorer calls it without scikit-learn's
    output wrapper). A text without any quotation-mark character has no quote, no quoted share and no scare
    quote, so the three searches are skipped for it."""
    rows = []
    for text in texts:
        text = str(text)
        if not _QUOTE_CANDIDATE.search(text):
            rows.append((0.0, 0.0, 0.0))
            continue
        n = max(len(text), 1)
        quoted = sum(len(m.group(1)) for m in _QUOTE_SPAN.finditer(text))
        rows.append(
            (
                1.0 if has_quote_mark(text) else 0.0,
                min(quoted / n, 1.0),
                float(np.log1p(len(_SCARE.findall(text)))),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(-1, 3)


class QuoteFeatures(TransformerMixin, BaseEstimator):
    """Whether a sentence quotes someone, how much of it is quoted, and short (scare-)quoted phrases.

    Columns: ``has_quote`` (any quote mark), ``quoted_share`` (fraction of characters inside quote
    pairs), ``scare_quotes`` (log1p count of quoted phrases of at most three words).
    """

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        return quote_feature_rows(X)

    def get_feature_names_out(self, input_features=None):
        return np.array(["has_quote", "quoted_share", "scare_quotes"], dtype=object)


_STEM_CACHE: dict[str, str] = {}


def snowball_stem(word: str) -> str:
    """English Snowball stem (nltk, no downloaded data needed), cached."""
    out = _STEM_CACHE.get(word)
    if out is None:
        if word.isdigit():  # numbers have no suffix to strip (skips the slow stemmer for "2020", "1963")
            return word
        global _STEMMER
        if _STEMMER is None:
            from nltk.stem.snowball import SnowballStemmer

            _STEMMER = SnowballStemmer("english")
        if len(_STEM_CACHE) > 500_000:
            _STEM_CACHE.clear()
        out = _STEMMER.stem(word)
        if not _WORD_FULL.fullmatch(out):  # e.g. "weenie-ness" -> "weenie-": keep it one clean token
            parts = _WORD_FULL.findall(out)
            out = parts[0] if parts else word
        _STEM_CACHE[word] = out
    return out


_WORD_FULL = re.compile(WORD_PATTERN)


_STEMMER = None


def marked_word_sets(marked_words) -> list[set[str]]:
    """Normalise annotators' biased-word lists (one list of words per sentence) to sets of tokens."""
    out = []
    for words in marked_words:
        toks: set[str] = set()
        for w in words if words is not None else ():
            toks.update(re.findall(WORD_PATTERN, normalise([str(w)])[0]))
        out.append(toks)
    return out


class MarkedWordRates(CompactStateMixin, TermBlockMixin, TransformerMixin, BaseEstimator):
    """How often annotators marked a sentence's words as biased in the training data.

    Learns, from sentences whose biased words were marked by annotators (BABE's ``biased_words``),
    the smoothed rate at which each word is marked when it occurs:
    ``rate(w) = (marked(w) + alpha * prior) / (occurs(w) + alpha)``. A sentence gets three columns:
    ``marked_rate_sum`` (sum over its distinct words of ``max(rate - prior, 0)``), ``marked_high``
    (number of distinct words with ``rate >= threshold``) and ``marked_rate_max``.

    The marked words are training metadata (``fit(X, y, marked_words=...)``, routed with scikit-learn
    metadata routing), never needed at prediction time. ``fit_transform`` cross-fits (like
    ``TargetEncoder``): each training sentence's columns come from rates learned on the other folds,
    so the final model does not learn to trust a feature that saw its own answer. A sentence whose
    ``marked_words`` entry is None (nobody marked its words, e.g. a reviewer's feedback) is scored but
    not counted when learning the rates.
    """

    __metadata_request__fit: ClassVar[dict] = {"marked_words": True}

    def __init__(
        self, alpha: float = 1.0, threshold: float = 0.2, cv: int = 5, random_state: int = 0, stem: bool = False
    ):
        self.alpha = alpha
        self.threshold = threshold
        self.cv = cv
        self.random_state = random_state
        self.stem = stem

    def _words(self, text: str) -> list[str]:
        """Tokens (Snowball stems if ``stem``) of one normalised text."""
        toks = re.findall(WORD_PATTERN, text)
        if not self.stem:
            return toks
        table = getattr(self, "stem_table_", None) or {}
        return [table.get(w) or snowball_stem(w) for w in toks]

    def _words_with_surface(self, text: str) -> list[tuple[str, str]]:
        toks = re.findall(WORD_PATTERN, text)
        return list(zip(self._words(text), toks, strict=True))

    def _analyse(self, X) -> list[str]:
        return [" ".join(self._words(t)) for t in normalise(X)]

    def _tokens(self, X) -> list[set[str]]:
        return [set(self._words(t)) for t in normalise(X)]

    def _marked(self, marked_words) -> list[set[str] | None]:
        """Marked tokens per sentence; None for a sentence nobody annotated (e.g. reviewer feedback)."""
        sets = marked_word_sets(marked_words)
        if self.stem:
            sets = [{snowball_stem(w) for w in m} for m in sets]
        return [None if words is None else m for words, m in zip(marked_words, sets, strict=True)]

    def surface_forms(self, text: str) -> dict[str, str]:
        """term (stem) -> the first word of ``text`` that produced it, for showing explanations."""
        out: dict[str, str] = {}
        for w in self._words_with_surface(normalise([text])[0]):
            out.setdefault(*w)
        return out

    def _learn(self, toks: Sequence[set[str]], marked: Sequence[set[str] | None]):
        occ: dict[str, int] = {}
        mk: dict[str, int] = {}
        for ts, m in zip(toks, marked, strict=True):
            if m is None:  # not annotated: says nothing about how often its words get marked
                continue
            for w in ts:
                occ[w] = occ.get(w, 0) + 1
                if w in m:
                    mk[w] = mk.get(w, 0) + 1
        prior = (sum(mk.values()) + 1.0) / (sum(occ.values()) + 1.0)
        words = sorted(occ)
        rate = np.array([(mk.get(w, 0) + self.alpha * prior) / (occ[w] + self.alpha) for w in words])
        keep = rate > prior
        vocab = {w: i for i, w in enumerate(np.asarray(words, dtype=object)[keep])}
        return prior, rate[keep], vocab

    def _columns(self, matches: sp.csr_matrix, excess: np.ndarray, high: np.ndarray) -> np.ndarray:
        rsum = matches @ excess
        nhigh = matches @ high
        if matches.shape[1]:
            rmax = matches.multiply(excess[None, :]).tocsr().max(axis=1).toarray().ravel()
        else:
            rmax = np.zeros(matches.shape[0])
        return np.column_stack([rsum, nhigh, rmax])

    def _vectorizer(self, vocab):
        return CompactCountVectorizer(
            vocabulary=vocab or {"\x00": 0},
            token_pattern=WORD_PATTERN,
            lowercase=False,
            binary=True,
            dtype=np.float64,
        ).fit([])

    def fit(self, X, y=None, marked_words=None):
        if marked_words is None:
            raise ValueError(
                "MarkedWordRates.fit needs marked_words (the annotators' biased words per sentence); "
                "enable scikit-learn metadata routing and pass marked_words=... to fit"
            )
        X = list(X)
        marked = self._marked(marked_words)
        if len(marked) != len(X):
            raise ValueError("marked_words must have one entry per sentence")
        prior, rate, vocab = self._learn(self._tokens(X), marked)
        if self.stem:
            # stems of the training words, shipped with the model so scoring rarely runs the stemmer
            surface = {w for t in normalise(X) for w in re.findall(WORD_PATTERN, t)}
            self.stem_table_ = {w: snowball_stem(w) for w in sorted(surface)}
        self.prior_ = prior
        self.vectorizer_ = self._vectorizer(vocab)
        self.excess_ = (rate - prior) if vocab else np.zeros(1)
        self.high_ = (rate >= self.threshold).astype(np.float64) if vocab else np.zeros(1)
        self.n_features_in_ = 1
        return self

    def fit_transform(self, X, y=None, marked_words=None):
        from sklearn.model_selection import KFold

        X = list(X)
        self.fit(X, y, marked_words=marked_words)
        marked = self._marked(marked_words)
        toks = self._tokens(X)
        analysed = self._analyse(X)
        out = np.zeros((len(X), 3))
        if len(X) < 2 * self.cv:
            return self.transform(X)
        folds = KFold(self.cv, shuffle=True, random_state=self.random_state).split(np.zeros(len(X)))
        for tr, te in folds:
            prior, rate, vocab = self._learn([toks[i] for i in tr], [marked[i] for i in tr])
            vec = self._vectorizer(vocab)
            excess = (rate - prior) if vocab else np.zeros(1)
            high = (rate >= self.threshold).astype(np.float64) if vocab else np.zeros(1)
            out[te] = self._columns(vec.transform([analysed[i] for i in te]), excess, high)
        return out

    def transform(self, X):
        return self._columns(self.term_matches(X), self.excess_, self.high_)

    def get_feature_names_out(self, input_features=None):
        return np.array(["marked_rate_sum", "marked_high", "marked_rate_max"], dtype=object)


class WordVectorMean(TransformerMixin, BaseEstimator):
    """The TF-IDF-weighted mean of static word vectors over a sentence's words: a dense (n, d) block.

    ``words`` and ``vectors`` (one row per word) come from :func:`load_word_vectors`: vectors distilled
    from a sentence encoder, one word at a time (scripts/distill_word_vectors.py). ``fit`` learns the words'
    idf on the training sentences (words never seen in training get the largest idf). The value is
    ``X @ vectors`` where ``X`` holds the sentence's sublinear tf x idf weights normalised to sum to 1,
    so a linear model on top gives every word an exact share of the score: its weight in ``X`` times
    ``vectors @ coef``. Words outside the vocabulary are ignored.

    Only the fitted state (``vectorizer_``, ``vectors_`` as float16) is saved; the ``words`` and
    ``vectors`` parameters are not written to the model file a second time (they load as None).
    """

    def __init__(self, words: Sequence[str] | None = None, vectors: np.ndarray | None = None):
        self.words = words
        self.vectors = vectors

    def fit(self, X, y=None):
        if self.words is None or self.vectors is None:
            raise ValueError("WordVectorMean needs `words` and `vectors` (see load_word_vectors)")
        vectors = np.asarray(self.vectors)
        if vectors.ndim != 2 or vectors.shape[0] != len(self.words):
            raise ValueError(f"vectors of shape {vectors.shape} do not match {len(self.words)} words")
        self.vectorizer_ = CompactTfidfVectorizer(
            vocabulary={w: i for i, w in enumerate(self.words)},
            token_pattern=WORD_PATTERN,
            lowercase=False,
            sublinear_tf=True,
            norm="l1",
            dtype=np.float64,
        ).fit(normalise(X))
        self.vectorizer_.vocabulary = None  # fitted: vocabulary_ holds it; not saved twice in the model file
        self.vectors_ = vectors.astype(np.float16)
        self.n_features_in_ = 1
        return self

    def weights(self, X) -> sp.csr_matrix:
        """(n_sentences, n_words) share of each vocabulary word in each sentence (rows sum to 1 or 0)."""
        check_is_fitted(self, "vectors_")
        return self.vectorizer_.transform(normalise(X))

    def transform(self, X):
        return np.asarray(self.weights(X) @ self.vectors_.astype(np.float64))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectors_")
        return np.array([f"vec{i}" for i in range(self.vectors_.shape[1])], dtype=object)

    def __getstate__(self):
        state = dict(super().__getstate__())
        state["words"] = state["vectors"] = None  # the fitted copies are enough
        return state


class AuxStackedLogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression helped by auxiliary labels, collapsed into one linear model.

    For each auxiliary label that annotators or the data gave some training sentences (``aux``: one
    column per label, values 1, 0, or -1 for unknown; e.g. BABE's "expresses the writer's opinion"), an
    auxiliary logistic regression on the same features learns it. Its logit, cross-fitted (each training
    row's value comes from a model that did not see the row) and scaled to standard deviation ``weight``,
    becomes one more input of the main logistic regression. All are linear in the features, so after
    fitting they collapse exactly into ``coef_ = main_coef + sum_k c_k * aux_coef_k`` (and the same for
    the intercept): one linear model over the original features, whose every weight can be shown as
    before. ``aux`` is training metadata (routed with scikit-learn metadata routing), never needed at
    prediction time. A label with fewer than two classes among the known rows is skipped.
    """

    __metadata_request__fit: ClassVar[dict] = {"aux": True}

    def __init__(
        self,
        C: float = 1.0,
        aux_C: float = 1.0,
        weight: float = 1.0,
        cv: int = 5,
        random_state: int = 0,
        max_iter: int = 5000,
    ):
        self.C = C
        self.aux_C = aux_C
        self.weight = weight
        self.cv = cv
        self.random_state = random_state
        self.max_iter = max_iter

    def _lr(self, C: float):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=C, max_iter=self.max_iter, random_state=self.random_state)

    def fit(self, X, y, aux=None):
        from sklearn.model_selection import StratifiedKFold
        from sklearn.utils.validation import check_X_y

        X, y = check_X_y(X, y, accept_sparse="csr")
        if np.unique(y).size != 2:
            raise ValueError("AuxStackedLogisticRegression is a binary classifier")
        labels = np.zeros((len(y), 0), dtype=np.int64) if aux is None else np.asarray(aux, dtype=np.int64)
        if labels.ndim == 1:
            labels = labels[:, None]
        if labels.shape[0] != len(y):
            raise ValueError(f"aux has {labels.shape[0]} rows for {len(y)} samples")
        folds = list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(np.zeros(len(y)), y))
        columns, heads = [], []
        for k in range(labels.shape[1]):
            a = labels[:, k]
            has = a >= 0
            if np.unique(a[has]).size < 2 or has.sum() < 2 * self.cv:
                continue  # nothing to learn from this label
            z = np.zeros(len(y))
            for tr, te in folds:
                lab = tr[has[tr]]
                z[te] = self._lr(self.aux_C).fit(X[lab], a[lab]).decision_function(X[te])
            scale = float(self._weights(labels.shape[1])[k]) / (float(z.std()) or 1.0)
            columns.append(z * scale)
            heads.append((self._lr(self.aux_C).fit(X[has], a[has]), scale))
        if not heads:  # a plain logistic regression
            main = self._lr(self.C).fit(X, y)
            self.classes_, self.coef_, self.intercept_ = main.classes_, main.coef_, main.intercept_
            self.aux_weights_ = np.zeros(0)
            self.n_features_in_ = X.shape[1]
            return self
        Z = np.column_stack(columns)
        Xz = sp.hstack([X, sp.csr_matrix(Z)], format="csr") if sp.issparse(X) else np.hstack([X, Z])
        main = self._lr(self.C).fit(Xz, y)
        m = len(heads)
        coef, intercept = main.coef_[:, :-m].copy(), main.intercept_.copy()
        used = []
        for j, (head, scale) in enumerate(heads):
            c = float(main.coef_[0, X.shape[1] + j]) * scale
            coef += c * head.coef_
            intercept += c * head.intercept_
            used.append(c)
        self.classes_, self.coef_, self.intercept_ = main.classes_, coef, intercept
        self.aux_weights_ = np.asarray(used)
        self.n_features_in_ = X.shape[1]
        return self

    def _weights(self, k: int) -> list[float]:
        if np.ndim(self.weight) == 0:
            return [float(self.weight)] * k
        w = [float(x) for x in self.weight]
        if len(w) != k:
            raise ValueError(f"{len(w)} weights for {k} auxiliary labels")
        return w

    def decision_function(self, X):
        check_is_fitted(self, "coef_")
        return np.asarray(X @ self.coef_[0], dtype=np.float64).ravel() + float(self.intercept_[0])

    def predict_proba(self, X):
        p = 1.0 / (1.0 + np.exp(-np.clip(self.decision_function(X), -500, 500)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


# ---------------------------------------------------------------- loading word lists (training only)

RECASENS_FILES = {
    "npov_bias": "npov_lexicon.txt",
    "hedge": "hedges_hyland2005.txt",
    "factive": "factives_hooper1975.txt",
    "assertive": "assertives_hooper1975.txt",
    "report_verb": "report_verbs.txt",
    "strong_subjective": "strong_subjectives_riloff2003.txt",
    "weak_subjective": "weak_subjectives_riloff2003.txt",
    "implicative": "implicatives_karttunen1971.txt",
}


def read_word_list(path: str | Path) -> list[str]:
    """One term per line; blank lines and lines starting with '#' are ignored."""
    out = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def load_recasens_lexicons(lexicon_dir: str | Path) -> dict[str, list[str]]:
    lexicon_dir = Path(lexicon_dir)
    return {cat: read_word_list(lexicon_dir / name) for cat, name in RECASENS_FILES.items()}


def load_vader_lexicon() -> dict[str, float]:
    """word -> mean valence from the vader_lexicon.txt shipped inside the vaderSentiment package."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).resolve().parent / "vader_lexicon.txt"
    out: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 2:
                try:
                    out[parts[0]] = float(parts[1])
                except ValueError:
                    continue
    return out


def load_project_lexicon(path: str | Path) -> dict[str, list[str]]:
    """category -> terms (with their listed variants) from the project's loaded_terms.csv."""
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            term = (row.get("term") or "").strip()
            cat = (row.get("category") or "").strip()
            if not term or not cat:
                continue
            forms = [term] + [v.strip() for v in (row.get("variants") or "").split("|") if v.strip()]
            out.setdefault("project_" + cat, []).extend(forms)
    return out


WORD_VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "word_vectors.npz"


def load_word_vectors(path: str | Path | None = None) -> tuple[list[str], np.ndarray]:
    """(words, float16 vectors) from the committed word_vectors.npz (no pickle); clear errors if bad."""
    path = Path(path) if path is not None else WORD_VECTORS_PATH
    rebuild = "rebuild it with scripts/distill_word_vectors.py"
    try:
        with np.load(path, allow_pickle=False) as data:
            words = [str(w) for w in data["words"]]
            vectors = np.asarray(data["vectors"])
    except FileNotFoundError:
        raise ValueError(f"word vectors {path} not found; {rebuild}") from None
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"word vectors {path} cannot be read ({exc}); {rebuild}") from None
    if vectors.ndim != 2 or vectors.shape[0] != len(words) or not np.isfinite(vectors).all():
        raise ValueError(f"word vectors {path} are malformed (shape {vectors.shape}, {len(words)} words); {rebuild}")
    if len(set(words)) != len(words):
        raise ValueError(f"word vectors {path} list a word twice; {rebuild}")
    return words, vectors
