"""Tests of the static word vectors (annotator/data/word_vectors.npz) and the WordVectorMean feature."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.model.features import WORD_VECTORS_PATH, WordVectorMean, load_word_vectors

WORDS = ["the", "mob", "crowd", "stormed", "entered", "so-called", "it's", "wonderful"]


@pytest.fixture(scope="module")
def small() -> WordVectorMean:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 4)).astype(np.float16)
    return WordVectorMean(words=WORDS, vectors=vectors).fit(["The mob stormed it.", "The crowd entered."])


def test_word_vectors_committed_file_loads():
    words, vectors = load_word_vectors()
    assert WORD_VECTORS_PATH.is_file()
    assert vectors.dtype == np.float16 and vectors.shape == (len(words), 128)
    assert len(words) > 20_000 and len(set(words)) == len(words)
    assert {"coup", "russophobia", "so-called", "radical", "said"} <= set(words)
    assert all(w == w.lower() for w in words[:1000])


def test_word_vectors_similar_words_are_close():
    words, vectors = load_word_vectors()
    index = {w: i for i, w in enumerate(words)}
    v = vectors.astype(np.float64)

    def cos(a, b):
        x, y = v[index[a]], v[index[b]]
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    assert cos("outrageous", "disgraceful") > cos("outrageous", "tuesday")
    assert cos("said", "stated") > cos("said", "banana")


@pytest.mark.parametrize(
    "content,expected",
    [(None, "not found"), (b"not a zip file", "cannot be read")],
    ids=["missing", "corrupt"],
)
def test_word_vectors_bad_file_gives_clear_error(tmp_path, content, expected):
    path = tmp_path / "vectors.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=expected) as err:
        load_word_vectors(path)
    assert "distill_word_vectors.py" in str(err.value)


def test_word_vectors_malformed_file_rejected(tmp_path):
    path = tmp_path / "vectors.npz"
    np.savez(path, words=np.array(["a", "b"]), vectors=np.zeros((3, 2), dtype=np.float16))
    with pytest.raises(ValueError, match="malformed"):
        load_word_vectors(path)
    np.savez(path, words=np.array(["a", "a"]), vectors=np.zeros((2, 2), dtype=np.float16))
    with pytest.raises(ValueError, match="twice"):
        load_word_vectors(path)


def test_word_vector_mean_is_weighted_mean_of_vectors(small):
    X = ["The mob stormed it.", "", "Nothing known here", "The so-called wonderful crowd\u2019s"]
    got = small.transform(X)
    W = small.weights(X).toarray()
    np.testing.assert_allclose(got, W @ small.vectors_.astype(np.float64))
    assert np.allclose(W.sum(axis=1), [1, 0, 0, 1])
    assert not got[1].any() and not got[2].any()  # no known word: a zero vector


def test_word_vector_mean_covers_words_unseen_in_training(small):
    """A word missing from the training sentences still gets its vector (the point of the feature)."""
    row = small.weights(["wonderful"]).toarray()[0]
    assert row[WORDS.index("wonderful")] == 1.0


def test_word_vector_mean_saves_fitted_state_once(small):
    import skops.io as sio

    dumped = sio.loads(sio.dumps(small), trusted=sio.get_untrusted_types(data=sio.dumps(small)))
    assert dumped.words is None and dumped.vectors is None and dumped.vectorizer_.vocabulary is None
    X = ["The crowd stormed the so-called hall."]
    np.testing.assert_allclose(dumped.transform(X), small.transform(X))


def test_word_vector_mean_needs_vectors():
    with pytest.raises(ValueError, match="needs"):
        WordVectorMean().fit(["a"])
    with pytest.raises(ValueError, match="do not match"):
        WordVectorMean(words=["a", "b"], vectors=np.zeros((3, 2))).fit(["a"])


def test_word_vectors_shipped_model_uses_them():
    from annotator.model.sentence import DEFAULT_MODEL_PATH, BiasModel

    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("models/bias_model.skops is not built")
    model = BiasModel.load()
    part = next(p for p in model._parts if p["name"] == "embed")
    assert part["fast"] and part["coef"].shape == (len(part["names"]),)
    # words that occur in no training sentence (not in the word n-gram vocabulary) still carry a weight
    word_vocab = next(p for p in model._parts if p["name"] == "word")["tr"].vocabulary_
    unseen = [i for i, w in enumerate(part["names"]) if w not in word_vocab]
    assert len(unseen) > 5_000
    assert np.count_nonzero(part["coef"][unseen]) == len(unseen)
    ((_, terms),) = model.score(["scathingly"], top_k=50)
    assert "scathingly" not in word_vocab and "scathingly" in dict(terms)
