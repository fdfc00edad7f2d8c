"""Load the trained sentence bias model and score sentences, explaining each score by its words.

The model is a scikit-learn Pipeline (word + character n-gram TF-IDF and scaled lexicon features into a
logistic regression), stored with skops (no pickle). Loading checks the file's SHA-256 against the one
recorded in metrics.json beside it and only accepts the types listed in ``TRUSTED_TYPES``.

Scoring runs the pipeline's steps by hand so that every column's contribution (coefficient x feature
value) can be attributed to a word of the sentence: word n-grams are their own terms, character n-grams
are attributed to the whitespace token they come from, lexicon/valence/marked-word counts are split over
the words that matched. Contributions plus the intercept add up exactly to the logit that gives the
probability (which equals ``pipeline.predict_proba``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from annotator.features import WORD_PATTERN, normalise, snowball_stem

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL_PATH = MODELS_DIR / "bias_model.skops"
METRICS_NAME = "metrics.json"

# Every type the model file may contain. Anything else in a file makes loading fail (never trusted=True).
TRUSTED_TYPES = [
    "annotator.features.LexiconCounts",
    "annotator.features.MarkedWordRates",
    "annotator.features.QuoteFeatures",
    "annotator.features.ValenceFeatures",
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
]

_REBUILD = "rebuild it with `annotator train` (or `python -m annotator.train train`)"
_WS = re.compile(r"\s\s+")
_WORD_RE = re.compile(WORD_PATTERN)
REPEATED_NGRAMS = "[repeated character n-grams]"
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")
QUOTE_LABELS = {
    "has_quote": "[quotation marks]",
    "quoted_share": "[quoted text]",
    "scare_quotes": "[short quoted phrase]",
}


class ModelError(Exception):
    """The model file is missing, unreadable, not the one recorded, or holds unexpected types."""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _display(token: str) -> str:
    """How a whitespace token is shown as an explanation term: lower case, edge punctuation stripped."""
    return _EDGE_PUNCT.sub("", token.translate(_APOS)).lower()


_APOS = str.maketrans({"\u2019": "'", "\u2018": "'"})


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
        path = Path(path) if path is not None else DEFAULT_MODEL_PATH
        name = str(path)
        if not path.is_file():
            raise ModelError(f"model file {name} not found; {_REBUILD}")
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
            pipeline = sio.load(path, trusted=sorted(untrusted))
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"model file {name} cannot be read ({type(exc).__name__}: {exc}); {_REBUILD}") from None
        info = {
            "model_id": actual[:12],
            "path": name,
            "sha256": actual,
            "trained_at": record.get("trained_at"),
            "n_train": record.get("n_train"),
            "sklearn_version": record.get("sklearn_version"),
        }
        headline = metrics.get("headline", {})
        info.update({k: v for k, v in headline.items() if k not in info})
        try:
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
            else:
                width = len(tr.vocabulary_)
                part = {"name": name, "tr": tr, "coef": coef[offset : offset + width] * w}
                if name == "word":
                    part["names"] = np.asarray(tr.get_feature_names_out(), dtype=object)
                if name == "char":
                    part["idf"] = np.asarray(tr.idf_, dtype=np.float64)
                    part["coef_idf_list"] = (part["coef"] * part["idf"]).tolist()
                    part["cache"] = {}
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
                terms = np.asarray(sub.terms(), dtype=object)
                part["terms"][sub_name] = terms
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
        self._n_block_terms = sum(bk["n_terms"] for bk in self._blocks)

    # ------------------------------------------------------------------------------------ scoring

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Calibrated probability that each sentence is biased (no explanations; fastest path)."""
        logits, _ = self._forward(list(sentences), explain=False)
        return _sigmoid(logits)

    def score(self, sentences: list[str], top_k: int = 5) -> list[tuple[float, tuple[tuple[str, float], ...]]]:
        """Per sentence: (probability biased, top_k (term, contribution) pairs that pushed the score).

        A contribution is coefficient x feature value, in log-odds, attributed to a word or n-gram of the
        sentence (sentence-level features have bracketed names such as ``[quoted text]``). Terms that
        pushed towards "biased" come first, largest first; if there are fewer than ``top_k`` of them the
        rest are the strongest terms pushing the other way.
        """
        texts = ["" if s is None else str(s) for s in sentences]
        if not texts:
            return []
        logits, raw = self._forward(texts, explain=True)
        probs = _sigmoid(logits)
        tops = self._top_terms(len(texts), raw, top_k)
        return [(float(p), t) for p, t in zip(probs, tops, strict=True)]

    def _top_terms(self, n: int, raw, k: int) -> list[tuple[tuple[str, float], ...]]:
        """Sum contributions per (sentence, term) and pick each sentence's top k, vectorised."""
        rows, names, vals = raw
        out: list[tuple[tuple[str, float], ...]] = [()] * n
        if k <= 0 or not rows:
            return out
        r = np.concatenate([np.asarray(x, dtype=np.int64) for x in rows])
        v = np.concatenate([np.asarray(x, dtype=np.float64) for x in vals])
        ids: dict[str, int] = {}  # per call: no shared mutable state, so one model can serve threads
        names_list: list[str] = []
        nid = []
        for arr in names:
            for t in arr.tolist() if isinstance(arr, np.ndarray) else arr:
                j = ids.get(t)
                if j is None:
                    j = ids[t] = len(names_list)
                    names_list.append(t)
                nid.append(j)
        key = r * (1 << 32) + np.asarray(nid, dtype=np.int64)
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
        acc: dict[int, list] = {}
        for row, j, val in zip(ur[sel].tolist(), un[sel].tolist(), np.round(agg[sel], 4).tolist(), strict=True):
            acc.setdefault(row, []).append((names_list[j], val))
        for row, items in acc.items():
            out[row] = tuple(items)
        return out

    def _forward(self, texts: list[str], explain: bool):
        n = len(texts)
        logits = np.full(n, self._intercept)
        rows: list[np.ndarray] = []
        names: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for part in self._parts:
            kind = part["name"]
            if kind == "char":
                lg, expl = self._char_part(part, texts, explain)
                logits += lg
                if explain:
                    rows.append(expl[0]), names.append(expl[1]), vals.append(expl[2])
            elif kind == "dense":
                self._dense_part(part, texts, logits, rows, names, vals, explain)
            else:
                X = part["tr"].transform(texts)
                logits += X @ part["coef"]
                if explain:
                    C = X.multiply(part["coef"]).tocoo() if sp.issparse(X) else sp.coo_matrix(X * part["coef"])
                    rows.append(C.row), names.append(part["names"][C.col]), vals.append(C.data)
        if not explain:
            return logits, None
        return logits, (rows, names, vals)

    # ----------------------------------------------------------------- character n-grams (cached)

    def _char_entry(self, part, w: str):
        """(vocabulary ids of the token's n-grams, with repeats; sum of their coef*idf; display), cached."""
        lo, hi = part["tr"].ngram_range
        padded = " " + w + " "
        L = len(padded)
        grams: list[str] = []
        for k in range(lo, hi + 1):  # as sklearn's _char_wb_ngrams
            if k >= L:
                grams.append(padded)
                break
            grams += [padded[o : o + k] for o in range(L - k + 1)]
        ids = [j for j in map(part["tr"].vocabulary_.get, grams) if j is not None]
        ci = part["coef_idf_list"]
        entry = (ids, sum([ci[j] for j in ids]), _display(w))
        cache = part["cache"]
        if len(cache) > 300_000:
            cache.clear()
        cache[w] = entry
        return entry

    def _char_part(self, part, texts, explain):
        """char_wb TF-IDF built from cached per-token n-gram rows (same values as the vectorizer).

        Each token is credited with sum(coef * idf) of its n-grams / the sentence norm, which is exact
        when no n-gram repeats in the sentence; the small remainder from repeated n-grams (damped by
        sublinear tf) is reported as one bracketed term so contributions still add up to the logit.
        """
        tr = part["tr"]
        cache = part["cache"]
        lower = tr.lowercase
        local: dict[str, int] = {}
        entries = []
        rows: list[int] = []
        cols: list[int] = []
        for i, text in enumerate(texts):
            if lower:
                text = text.lower()
            for w in _WS.sub(" ", text).split():
                j = local.get(w)
                if j is None:
                    j = local[w] = len(entries)
                    e = cache.get(w)
                    entries.append(e if e is not None else self._char_entry(part, w))
                rows.append(i)
                cols.append(j)
        n = len(texts)
        nv = len(part["idf"])
        if not entries:
            z = np.zeros(0)
            return np.zeros(n), (z.astype(np.int64), np.zeros(0, dtype=object), z)
        row_arr = np.asarray(rows, dtype=np.int64)
        col_arr = np.asarray(cols, dtype=np.int64)
        S = sp.csr_matrix(
            (np.ones(row_arr.size), col_arr, np.searchsorted(row_arr, np.arange(n + 1))), shape=(n, len(entries))
        )
        lens = np.fromiter((len(e[0]) for e in entries), dtype=np.int64, count=len(entries))
        indptr = np.concatenate([[0], np.cumsum(lens)])
        total = int(indptr[-1])
        # repeated n-grams of a token stay as duplicate entries; the sparse product sums them
        T = sp.csr_matrix(
            (
                np.ones(total),
                np.fromiter(chain.from_iterable(e[0] for e in entries), dtype=np.int64, count=total),
                indptr,
            ),
            shape=(len(entries), nv),
        )
        counts = (S @ T).tocsr()
        r = np.repeat(np.arange(n), np.diff(counts.indptr))
        tf = counts.data
        if tr.sublinear_tf:
            tf = 1.0 + np.log(tf)
        val = tf * part["idf"][counts.indices]
        norms = np.sqrt(np.bincount(r, weights=val * val, minlength=n))
        norms[norms == 0] = 1.0
        logits = np.bincount(r, weights=val * part["coef"][counts.indices], minlength=n) / norms
        if not explain:
            return logits, None
        a = np.fromiter((e[1] for e in entries), dtype=np.float64, count=len(entries))
        disp = np.array([e[2] for e in entries], dtype=object)
        sr = row_arr
        contrib = a[col_arr] / norms[sr]
        rest = logits - np.bincount(sr, weights=contrib, minlength=n)
        keep = (contrib != 0) & (disp[col_arr] != "")
        rest += np.bincount(sr[~keep], weights=contrib[~keep], minlength=n)
        nz = np.nonzero(np.abs(rest) > 1e-12)[0]
        out_rows = np.concatenate([sr[keep], nz])
        out_names = np.concatenate([disp[col_arr[keep]], np.full(nz.size, REPEATED_NGRAMS, dtype=object)])
        out_vals = np.concatenate([contrib[keep], rest[nz]])
        return logits, (out_rows, out_names, out_vals)

    # --------------------------------------------------------------- lexicon-type blocks (cached)

    def _word_entry(self, tok: str):
        """Per normalised word: global ids of the block terms it is, and multi-word terms it may start."""
        hits, multi, stemmed = [], [], []
        for blk in self._blocks:
            key = (blk["table"].get(tok) or snowball_stem(tok)) if blk["stem"] else tok
            tid = blk["vocab"].get(key, -1)
            if tid >= 0:
                hits.append(blk["offset"] + tid)
                if blk["stem"]:
                    stemmed.append(blk["offset"] + tid)
            multi.extend((words, blk["offset"] + mid) for words, mid in blk["multi"].get(tok, ()))
        entry = (tuple(hits), tuple(multi), tuple(stemmed))
        if len(self._word_cache) > 300_000:
            self._word_cache.clear()
        self._word_cache[tok] = entry
        return entry

    def _match_blocks(self, texts):
        """Per dense block: (n, terms) CSR of matched term counts, and (row, global id) -> surface word."""
        ids: list[int] = []
        per_row: list[int] = []
        surface: dict = {}
        cache = self._word_cache
        get = cache.get
        for i, text in enumerate(normalise(texts)):
            toks = _WORD_RE.findall(text)
            start = len(ids)
            for pos, tok in enumerate(toks):
                entry = get(tok)
                if entry is None:
                    entry = self._word_entry(tok)
                if entry[0]:
                    ids.extend(entry[0])
                    for g in entry[2]:
                        surface.setdefault((i, g), tok)
                if entry[1]:
                    for words, gid in entry[1]:
                        if tuple(toks[pos : pos + len(words)]) == words:
                            ids.append(gid)
            per_row.append(len(ids) - start)
        n = len(texts)
        rows = np.repeat(np.arange(n, dtype=np.int64), per_row)
        total = max(self._n_block_terms, 1)
        key, cnt = np.unique(rows * total + np.asarray(ids, dtype=np.int64), return_counts=True)
        r_all, g_all = key // total, key % total
        out = []
        for blk in self._blocks:
            lo, hi = blk["offset"], blk["offset"] + blk["n_terms"]
            m = (g_all >= lo) & (g_all < hi)
            r, t = r_all[m], g_all[m] - lo
            c = np.ones(r.size) if blk["binary"] else cnt[m].astype(np.float64)
            sb = {(i, g - lo): w for (i, g), w in surface.items() if lo <= g < hi} if blk["stem"] else {}
            out.append((r, t, c, sb))
        return out

    def _dense_part(self, part, texts, logits, rows, names, vals, explain):
        """Lexicon-type blocks from matched (sentence, term, count) triples; same values as transform()."""
        coef = part["coef"]
        off = 0
        n = len(texts)
        matched = iter(self._match_blocks(texts)) if part["has_blocks"] else iter(())
        for sub_name, sub, k in part["subs"]:
            c = coef[off : off + k]
            off += k
            if sub_name not in part["terms"]:  # sentence-level features (quotes)
                F = sub.transform(texts)
                contrib = F * c
                logits += contrib.sum(axis=1)
                if explain:
                    for j, fname in enumerate(sub.get_feature_names_out()):
                        nz = np.nonzero(contrib[:, j])[0]
                        (
                            rows.append(nz),
                            names.append(np.full(nz.size, QUOTE_LABELS.get(fname, f"[{fname}]"), dtype=object)),
                        )
                        vals.append(contrib[nz, j])
                continue
            r, t, cnt, surface = next(matched)
            F, W = _block_features(sub, n, r, t, cnt)
            contrib = F * c  # (n, k)
            logits += contrib.sum(axis=1)
            if not explain or not r.size:
                continue
            # split each column's contribution over the matched terms in proportion to their weights
            share = np.zeros(r.size)
            for j in range(k):
                tot = np.bincount(r, weights=W[:, j], minlength=n)
                ok = tot[r] > 0
                share[ok] += contrib[r[ok], j] * W[ok, j] / tot[r[ok]]
            keep = share != 0
            rr, tt = r[keep], t[keep]
            shown = part["terms"][sub_name][tt]
            if getattr(sub, "stem", False):  # show the sentence's own word, not the stem
                shown = np.array(
                    [surface.get((i, j), w) for i, j, w in zip(rr.tolist(), tt.tolist(), shown, strict=True)],
                    dtype=object,
                )
            rows.append(rr), names.append(shown), vals.append(share[keep])


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


def _block_features(sub, n: int, r: np.ndarray, t: np.ndarray, cnt: np.ndarray):
    """(features (n, k), per-pair weights (pairs, k)) for one lexicon-type block.

    Mirrors the block's ``transform`` exactly; the weights say how each feature column is shared
    among the matched terms of a sentence when explaining a score.
    """
    from annotator.features import LexiconCounts, MarkedWordRates, ValenceFeatures

    if isinstance(sub, LexiconCounts):
        tc = sub.term_category_[t].toarray() if r.size else np.zeros((0, len(sub.categories_)))
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


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))


__all__ = ["DEFAULT_MODEL_PATH", "TRUSTED_TYPES", "BiasModel", "ModelError", "file_sha256"]
