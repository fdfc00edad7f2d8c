"""Tests of annotator.model.sentence: loading (safe, verified) and scoring with faithful explanations."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from annotator.model.sentence import DEFAULT_MODEL_PATH, BiasModel, ModelError, file_sha256

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model() -> BiasModel:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("models/bias_model.skops is not built (run `annotator train`)")
    return BiasModel.load()


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    """A copy of the committed model and its metrics.json in a temporary models folder."""
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("models/bias_model.skops is not built")
    shutil.copy(DEFAULT_MODEL_PATH, tmp_path / "bias_model.skops")
    shutil.copy(DEFAULT_MODEL_PATH.parent / "metrics.json", tmp_path / "metrics.json")
    return tmp_path / "bias_model.skops"


def _record_sha(model_path: Path) -> None:
    metrics_path = model_path.parent / "metrics.json"
    m = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {"model": {}}
    m["model"]["sha256"] = file_sha256(model_path)
    metrics_path.write_text(json.dumps(m))


def test_classify_load_default_model_has_info(model):
    assert len(model.info["model_id"]) == 12
    assert model.info["n_train"] > 2000
    assert {"trained_at", "test_macro_f1"} <= set(model.info)


def test_classify_missing_file_raises_model_error(tmp_path):
    path = tmp_path / "nope.skops"
    with pytest.raises(ModelError, match=re.escape(str(path))) as err:
        BiasModel.load(path)
    assert "annotator train" in str(err.value)


def test_classify_tampered_file_raises_model_error(model_copy):
    data = bytearray(model_copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_copy.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"bias_model.skops.*(corrupt or tampered)"):
        BiasModel.load(model_copy)


def test_classify_missing_metrics_raises_model_error(model_copy):
    (model_copy.parent / "metrics.json").unlink()
    with pytest.raises(ModelError, match=r"bias_model.skops"):
        BiasModel.load(model_copy)


def test_classify_corrupt_file_with_matching_hash_raises_model_error(model_copy):
    model_copy.write_bytes(b"PK\x03\x04 this is not a skops file")
    _record_sha(model_copy)
    with pytest.raises(ModelError, match=r"bias_model.skops.*cannot be read"):
        BiasModel.load(model_copy)


def test_classify_untrusted_types_raise_model_error(model_copy):
    import os

    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    sio.dump(FunctionTransformer(os.system), model_copy)  # a file that would call os.system
    _record_sha(model_copy)
    with pytest.raises(ModelError, match=r"bias_model.skops.*unexpected types.*system"):
        BiasModel.load(model_copy)


def test_classify_wrong_object_raises_model_error(model_copy):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    sio.dump(FunctionTransformer(np.exp), model_copy)  # loads safely but is not our pipeline
    _record_sha(model_copy)
    with pytest.raises(ModelError, match=r"bias_model.skops.*expected pipeline"):
        BiasModel.load(model_copy)


def test_classify_probabilities_match_pipeline(model):
    sents = ["The radical mob stormed the hearing.", "The committee met on Tuesday.", ""]
    got = [p for p, _ in model.score(sents)]
    want = model.pipeline.predict_proba(np.array(sents, dtype=object))[:, 1]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_classify_contributions_add_up_to_logit(model):
    sent = 'Trump\'s shameful, racist tirade stunned even his most loyal allies, "reports" said.'
    ((p, terms),) = model.score([sent], top_k=10_000)
    logit = model._intercept + sum(v for _, v in terms)
    assert abs(logit - np.log(p / (1 - p))) < 1e-2  # terms are rounded to 4 decimals


def test_classify_top_terms_sorted_positive_first(model):
    for _, terms in model.score(["The far-left extremists want to destroy America's police."], top_k=8):
        signs = [v > 0 for _, v in terms]
        assert signs == sorted(signs, reverse=True)
        pos = [v for _, v in terms if v > 0]
        assert pos == sorted(pos, reverse=True)


def test_classify_empty_batch_returns_empty(model):
    assert model.score([]) == []


FAITHFUL = [
    ("The radical left-wing mob is destroying our country with its insane policies.", "loaded adjectives"),
    ("Republicans rammed through a disastrous tax scam that rewards greedy billionaires.", "charged verbs/nouns"),
    ("The so-called experts shamelessly peddled lies about the vaccine.", "delegitimizing label"),
    ("Trump's bizarre rant exposed his astonishing ignorance of basic history.", "derogatory description"),
    ("Illegal aliens are flooding across the border, overwhelming our communities.", "flood metaphor"),
]


@pytest.mark.parametrize("sentence,reason", FAITHFUL, ids=[r for _, r in FAITHFUL])
def test_classify_removing_top_term_lowers_score(model, sentence, reason):
    ((p, terms),) = model.score([sentence], top_k=5)
    top = next(t for t, v in terms if v > 0 and not t.startswith("["))
    pattern = re.compile(r"(?<!\w)" + r"[\W_]*".join(map(re.escape, top.split())) + r"(?!\w)", re.IGNORECASE)
    reduced = pattern.sub(" ", sentence)
    assert reduced != sentence, f"{top!r} not found in {sentence!r}"
    ((p2, _),) = model.score([reduced])
    assert p2 < p, f"removing {top!r} did not lower the score ({p:.3f} -> {p2:.3f}); {reason}"


def test_classify_fast_path_matches_pipeline_on_corpus(model):
    """The hand-vectorised scoring equals the sklearn pipeline on every BABE sentence (or samples)."""
    sg2 = ROOT.parent / "shared" / "data" / "babe" / "final_labels_SG2.csv"
    if sg2.is_file():
        import csv

        with open(sg2, encoding="utf-8-sig", newline="") as fh:
            sents = [row["text"] for row in csv.DictReader(fh, delimiter=";")]
    else:
        sents = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
        sents = [s for text in sents for s in text.split(". ")] or [FAITHFUL[0][0]]
    sents += ["", "   ", "“Quoted” ‘text’ — with so-called dashes… and émigrés", "A" * 5000]
    got = model.predict_proba(sents)
    want = model.pipeline.predict_proba(np.array(sents, dtype=object))[:, 1]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    scored = model.score(sents[:500], top_k=3)
    np.testing.assert_allclose([p for p, _ in scored], want[:500], rtol=1e-9, atol=1e-12)


def test_classify_concurrent_scoring_matches_serial(model):
    """One cached model serves several app sessions (threads) at once."""
    from concurrent.futures import ThreadPoolExecutor

    batches = [[f"{s} Batch {i} word{i}x{j}." for j, (s, _) in enumerate(FAITHFUL)] for i in range(8)]
    fresh = BiasModel.load()
    serial = [fresh.score(b) for b in batches]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(model.score, batches))
    assert parallel == serial


def test_classify_info_has_human_readable_name(model):
    assert model.info["name"] == "BABE linear bias classifier"


def test_classify_model_dir_env_var_picks_the_model(model_copy, monkeypatch):
    from annotator.model.sentence import MODEL_DIR_ENV, default_model_path

    monkeypatch.setenv(MODEL_DIR_ENV, str(model_copy.parent))
    assert default_model_path() == model_copy
    loaded = BiasModel.load()
    assert loaded.info["path"] == str(model_copy)
    monkeypatch.setenv(MODEL_DIR_ENV, str(model_copy.parent / "elsewhere"))
    with pytest.raises(ModelError, match=r"elsewhere.*ANNOTATOR_MODEL_DIR is set.*annotator train"):
        BiasModel.load()
    monkeypatch.delenv(MODEL_DIR_ENV)
    assert default_model_path() == DEFAULT_MODEL_PATH


def _random_tokens(rng, n: int) -> list[str]:
    alphabet = [*"abcdeTHE'’-.,\"“”0129", "é", "ß", "€", "\U0001f600", "\ud800", "İ", "\u0301"]
    return ["".join(rng.choice(alphabet, size=rng.integers(1, 9))) for _ in range(n)]


@pytest.mark.parametrize("ngram_range", [(2, 5), (1, 3), (4, 6), (3, 3)])
def test_classify_char_gram_index_matches_sklearn_analyzer(ngram_range):
    """The vectorised char_wb n-gram lookup finds exactly the vocabulary n-grams sklearn's analyzer makes."""
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    from annotator.model.sentence import _GramIndex

    rng = np.random.default_rng(1)
    train = [" ".join(_random_tokens(rng, 12)) for _ in range(300)]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False, min_df=2).fit(train)
    words = list(dict.fromkeys([*_random_tokens(rng, 2000), "a", "ab", "A" * 300]))
    index = _GramIndex(vec)
    slow = _GramIndex(vec)
    slow.vocab = vec.vocabulary_  # the pure-Python fallback (for n-grams too long to pack into 64 bits)
    analyzer = vec.build_analyzer()
    cached = index.lookup(words[:100])  # the rest of the words are new to the cache
    assert index.lookup(words[:100])[1].tolist() == cached[1].tolist()
    for tok, vid in (index.lookup(words), slow.lookup(words)):
        for i, w in enumerate(words):
            want = Counter(j for j in map(vec.vocabulary_.get, analyzer(w)) if j is not None)
            assert Counter(vid[tok == i].tolist()) == want, w


@pytest.mark.parametrize("norm", ["l2", "l1"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3)])
def test_classify_word_tfidf_fast_path_matches_vectorizer(ngram_range, norm):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from annotator.model.sentence import _WordTfidf

    rng = np.random.default_rng(2)
    words = ["the", "The", "radical", "mob", "said", "so-called", "émigrés", "it's", "a", "x", "2020"]
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 15))) for _ in range(300)]
    vec = TfidfVectorizer(ngram_range=ngram_range, sublinear_tf=True, norm=norm).fit(texts)
    assert _WordTfidf.supports(vec)
    rows, cols, vals = _WordTfidf.transform(vec, texts)
    import scipy.sparse as sp

    got = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vec.vocabulary_))).toarray()
    np.testing.assert_allclose(got, vec.transform(texts).toarray(), rtol=1e-12, atol=1e-15)


def test_classify_common_words_grouped_in_explanations():
    from annotator.model.sentence import COMMON_WORDS, _shown_terms

    got = _shown_terms(["the", "on the", "the press", "must", "[quoted text]", "is", "not", "shameful"])
    assert got == [COMMON_WORDS, COMMON_WORDS, "the press", "must", "[quoted text]", COMMON_WORDS, "not", "shameful"]


def test_classify_function_word_list_is_clean():
    from annotator.model.sentence import _FUNCTION_WORDS_PATH, FUNCTION_WORDS

    lines = [w for w in _FUNCTION_WORDS_PATH.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")]
    assert len(lines) == len(set(lines)) == len(FUNCTION_WORDS)
    assert all(w == w.strip().lower() and " " not in w for w in lines)
    stance = {"must", "should", "may", "might", "could", "not", "never", "nothing", "very", "just", "only", "even"}
    assert not stance & FUNCTION_WORDS


def test_classify_top_terms_show_no_bare_function_words(model):
    from annotator.model.sentence import FUNCTION_WORDS

    sents = [s for s, _ in FAITHFUL] + ["This is what it is, and that is that.", "The committee met on Tuesday."]
    for _, terms in model.score(sents, top_k=10_000):
        assert not any(t in FUNCTION_WORDS or set(t.split()) <= FUNCTION_WORDS for t, _ in terms)


def test_classify_common_words_never_lead_an_explanation(model, ukraine_text):
    """Grammatical words are one remainder term, always after the words a journalist can act on."""
    from annotator.model.sentence import COMMON_WORDS
    from annotator.segment import segment

    sentences = [ukraine_text[s.span.start : s.span.end] for s in segment(ukraine_text)]
    sentences += ["Ukraine is striving for the alliance, this is one of its strategic goals.", "It is what it is."]
    seen_common = False
    for _, terms in model.score(sentences, top_k=5):
        names = [t for t, _ in terms]
        if COMMON_WORDS in names:
            seen_common = True
            assert names.index(COMMON_WORDS) == len(names) - 1, names
        assert len([n for n in names if n != COMMON_WORDS]) <= 5
    assert seen_common, "the remainder term should still appear where grammatical words weigh in"


def test_classify_has_quote_mark_agrees_with_the_quote_mark_regex():
    """The fast quote-mark check gives the regex's answer (the regex stays as its specification)."""
    import random

    from annotator.model.features import _QUOTE_MARK, has_quote_mark

    alphabet = "ab _1\u00e9\"\u201c\u201d\u00ab\u00bb\u2018\u2019'.-\u0301"
    rng = random.Random(7)
    texts = ["", "Ukraine's bid", "the 'reforms' stalled", "\u2018Yes\u2019 he said", "the boys' club"]
    texts.append("\u00abnon\u00bb")
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(20_000)]
    for text in texts:
        assert has_quote_mark(text) == bool(_QUOTE_MARK.search(text)), repr(text)


def test_classify_quote_features_skip_only_texts_without_quote_marks():
    """The fast path (no quotation-mark character: all zeros) gives what the three regex searches give."""
    import random

    from annotator.model.features import _QUOTE_MARK, _QUOTE_SPAN, _SCARE, quote_feature_rows

    def reference(text: str) -> tuple[float, float, float]:
        quoted = sum(len(m.group(1)) for m in _QUOTE_SPAN.finditer(text))
        return (
            1.0 if _QUOTE_MARK.search(text) else 0.0,
            min(quoted / max(len(text), 1), 1.0),
            float(np.log1p(len(_SCARE.findall(text)))),
        )

    rng = random.Random(11)
    alphabet = "ab -\"\u201c\u201d\u00ab\u00bb\u2018\u2019'"
    texts = ["", "No quotes here.", 'He said "no" twice.', "the 'so-called' reform", "\u00abnon\u00bb"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    assert quote_feature_rows(texts).tolist() == [list(reference(t)) for t in texts]


def test_classify_word_ngram_tokens_derived_from_the_shared_words():
    """The word n-gram block's tokens, derived from the shared WORD_PATTERN words, equal its own regex's."""
    import random

    from annotator.model.sentence import _FIND_TWO_LETTER_WORDS, _WORD_RE, _two_letter_words, normalise

    rng = random.Random(5)
    alphabet = "aB1_ -'\u2019\u2018\u02bc\u2010\u2011\u0130\u00e9\u0301.,\"\u00df\u2013x"
    texts = ["so-called 'reforms'", "rock-'n'-roll", "don\u02bct", "\u0130stanbul's mayor", "a-b c"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 15))) for _ in range(20_000)]
    shared = [_WORD_RE.findall(t) for t in normalise(texts)]
    got = _two_letter_words(texts, shared)
    assert got == [_FIND_TWO_LETTER_WORDS(t.lower()) for t in texts]


def test_classify_expand_gives_each_positions_items_in_order():
    from annotator.model.sentence import _expand

    pos, items = _expand(np.array([1, 0, 1, 2]), [(7,), (8, 9), ()])
    assert pos.tolist() == [0, 0, 1, 2, 2]
    assert items.tolist() == [8, 9, 7, 8, 9]


def test_classify_one_pass_over_tokens_equals_the_general_path():
    """Scoring from each distinct whitespace token once (the shipped configuration) gives exactly the scores
    and explanations of the general path, where every block tokenises the texts itself."""
    import copy
    import random

    model = BiasModel.load()
    assert model._unified, "the shipped model should take the one-pass path"
    general = copy.copy(model)
    general._unified = False
    rng = random.Random(3)
    words = [" the ", " state-of-the-art ", " so-called ", " Trump ", " radical ", " rock\u02bcn ", " far-left "]
    alphabet = [*"aB1_ -'\u2019\u02bc\u2010\u0130\u03a3\u00e9.,\"\u201c\u201d\t\n", *words]
    texts = ["", "  ", "The so-called \u201creform\u201d is a disaster.", "ΟΔΟΣ Σ", "on the other hand, the left"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(1500)]
    for batch in (texts, texts[:1], texts[2:3]):
        got, want = model.score(batch), general.score(batch)
        assert [t for _, t in got] == [t for _, t in want]
        np.testing.assert_allclose([p for p, _ in got], [p for p, _ in want], rtol=0, atol=1e-12)
    want = model.pipeline.predict_proba(np.array(texts, dtype=object))[:, 1]
    np.testing.assert_allclose(model.predict_proba(texts), want, rtol=0, atol=1e-9)


def test_classify_token_cache_stays_bounded_and_scores_stay_the_same():
    import copy

    model = BiasModel.load()
    small = copy.copy(model)
    small._tok_cache = {}
    small.TOKEN_CACHE_SIZE = 5
    texts = ["The radical mob stormed the council chamber on Tuesday.", "Officials said the vote was delayed."] * 3
    got, want = small.score(texts), model.score(texts)
    assert len(small._tok_cache) <= 5
    assert [t for _, t in got] == [t for _, t in want]
    np.testing.assert_allclose([p for p, _ in got], [p for p, _ in want], rtol=0, atol=1e-12)
