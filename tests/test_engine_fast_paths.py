"""The engine's fast paths give exactly what the straightforward versions in tests/reference_engine.py give.

Each replaced algorithm is checked on its own (random inputs built to hit its edge cases), and the whole
engine is checked on the samples and a real article with every reference swapped in at once.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from annotator import Annotator
from annotator.detectors import Context
from annotator.detectors.hedges import HedgeDetector
from annotator.lexicon import default_lexicon
from annotator.model.word_features import standing_flat, standing_rows
from annotator.model.words import default_word_model
from annotator.segment import _punkt_spans, segment
from annotator.textnorm import Token, WordNumbers, tokenize
from annotator.voice import _SINGLE_QUOTE, find_quotes, is_reported
from tests import reference_engine as ref
from tests.conftest import CORPUS, SAMPLES

SAMPLE_TEXTS = sorted(SAMPLES.glob("*.txt"))


def _lexicon_words(lexicon) -> list[str]:
    words = [w for entry in lexicon.entries for form in entry.forms() for w in form.split()]
    return [*words, "the", "in", "a", "is", "said", "riots", "outraged", "regimes", "Kiev’s", "coup-d'etat"]


@pytest.mark.parametrize("which", ["lexicon", "hedges"])
def test_lexicon_match_runs_equals_matching_each_sentence(which):
    lexicon = default_lexicon() if which == "lexicon" else HedgeDetector().words
    words = _lexicon_words(lexicon)
    rng = random.Random(11)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
        tokens = tokenize(text)
        cuts = sorted(rng.sample(range(len(tokens) + 1), min(len(tokens) + 1, rng.randint(0, 8))))
        runs = [(a, b) for a, b in zip([0, *cuts], [*cuts, len(tokens)], strict=True) if rng.random() < 0.8]
        expected = ref.match_runs(lexicon, tokens, runs)
        assert lexicon.match_runs(tokens, runs) == expected, text
        numbers = WordNumbers(np.asarray(tokens.ids), tokens.generation)  # roles by word number
        assert lexicon.match_runs(tokens, runs, numbers=numbers) == expected, text


def test_word_features_standing_rows_equal_the_token_loop():
    rng = random.Random(5)
    pieces = [
        "He",
        "said",
        "NATO",
        "U.S.",
        "“",
        "”",
        '"',
        "‘",
        "’",
        "a",
        "I",
        "ÉLITE",
        "élite",
        ",",
        ".",
        "Kiev",
        "1ABC",
        "ǅx",
        "A1",
    ]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.choice((rng.randint(0, 40), rng.randint(0, 600)))))
        tokens = tokenize(text)
        cuts = sorted(rng.sample(range(len(tokens) + 1), min(len(tokens) + 1, rng.randint(0, 5))))
        sentences = [tokens[a:b] for a, b in zip([0, *cuts], [*cuts, len(tokens)], strict=True)]
        quotes = sorted((q.inner.start, q.inner.end) for q in find_quotes(text))
        flat = [t for s in sentences for t in s]
        lengths = [len(s) for s in sentences]
        expected = ref.standing_flat(text, flat, lengths, [t.start for t in flat], quotes)
        assert np.array_equal(standing_rows(text, sentences, quotes), expected), text
        assert np.array_equal(standing_flat(text, flat, lengths, [t.start for t in flat], quotes), expected)
        numbers = WordNumbers(np.asarray(tokens.ids, dtype=np.intp), tokens.generation)  # from 200 tokens on
        assert np.array_equal(standing_flat(text, flat, lengths, [t.start for t in flat], quotes, numbers), expected)


def test_textnorm_tokenize_equals_one_match_at_a_time():
    """Random text of words, apostrophes, underscores, digits, accents and spaces: the same Tokens, and
    columns that hold their fields."""
    rng = random.Random(17)
    pieces = [
        "a",
        "Kiev",
        "’",
        "'",
        "ʼ",
        "_",
        "x_y",
        "é",
        "É",
        "e\u0301",
        "2024",
        " ",
        "\n",
        "-",
        "d'etat",
        "s",
        ".",
        "李",
    ]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        tokens = tokenize(text)
        assert tokens == ref.tokenize(text), repr(text)
        assert all(type(t) is Token for t in tokens)
        columns = (tokens.starts, tokens.ends, tokens.keys, tokens.folded)
        assert columns == tuple(list(c) for c in zip(*tokens, strict=True)) if tokens else all(not c for c in columns)


def test_words_rows_equal_two_table_lookups_per_token():
    """The memo gives each token the row and stem weight the large tables give, also when reused."""
    model = default_word_model()
    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_TEXTS] + ["", "2024 3rd zzqx Qwerty'ish 42 Zzqx"]
    for text in texts * 2:
        tokens = tokenize(text)
        folded, keys = [t.folded for t in tokens], [t.key for t in tokens]
        _assert_arrays_equal(model._rows(folded, keys), ref.rows(model, folded, keys))


def _assert_arrays_equal(got, expected) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("codes", [True, False], ids=["sorted codes", "pair by pair"])
def test_words_bigrams_equal_a_dict_lookup_per_pair(codes, monkeypatch):
    """Random texts of bigram words (and unknown words, cut into random sentences): the same sums, bit for
    bit, as looking each adjacent pair up in the bigram dict; also on the path for bigram words with no row."""
    model = default_word_model()
    if not model._bigram:
        pytest.skip("the shipped word model has no bigrams")
    if not codes:
        monkeypatch.setattr(model, "_bigram_codes", None)
    words = [*sorted({w for pair in model._bigram for w in pair})[:300], "zzqx", "qwertyish", "the", "a"]
    rng = random.Random(13)
    pairs = sorted(model._bigram)
    for _ in range(300):
        picked = [
            w
            for _ in range(rng.randint(0, 20))
            for w in (rng.choice(pairs) if rng.random() < 0.5 else [rng.choice(words)])
        ]
        n = len(picked)
        last = np.zeros(n, dtype=bool)
        last[rng.sample(range(n), min(n, rng.randint(0, 4)))] = True
        if n:
            last[-1] = True
        rows, _ = model._rows(picked, picked)
        known = rows >= 0
        got = (np.zeros(n), np.zeros(n))
        model._add_bigrams(picked, np.where(known, rows, 0), known, last, *got)
        expected = (np.zeros(n), np.zeros(n))
        ref.add_bigrams(model, picked, None, None, last, *expected)
        _assert_arrays_equal(got, expected)


def test_words_memos_start_afresh_when_full(monkeypatch):
    text = (SAMPLES / "border_surge.txt").read_text(encoding="utf-8")
    tokens = tokenize(text)
    model = default_word_model()
    for memo in (model._row_memo, model._stem_memo):
        monkeypatch.setattr(memo, "limit", 5)
        memo.clear()  # (only words seen again are read from a memo: the results do not change)
    folded, keys = [t.folded for t in tokens], [t.key for t in tokens]
    for _ in range(2):
        _assert_arrays_equal(model._rows(folded, keys), ref.rows(model, folded, keys))
        assert len(model._row_memo) <= 5 and len(model._stem_memo) <= 5


def _scores(model, tokens, numbers=None):
    text_tokens = list(tokens)
    standing = np.zeros((len(text_tokens), 4), dtype=np.float32)
    scores = model.score_flat(text_tokens, [len(text_tokens)], standing, numbers=numbers)
    return [scores.probability, *scores.parts.values()] if len(text_tokens) else []


def _assert_same_scores(got, expected) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert np.array_equal(a, b)


def test_textnorm_vocabulary_starts_afresh_and_word_tables_follow(monkeypatch):
    """With a tiny vocabulary every text starts a new generation: the tokens stay the same, the tables by
    number are refilled, giving the model's scores and the lexicon's matches that their look-ups by word
    give, and numbers of an older generation are refused (the look-ups by word are used instead)."""
    from annotator.textnorm import VOCABULARY

    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_TEXTS]
    expected = [tokenize(t) for t in texts]
    model, lexicon = default_word_model(), default_lexicon()
    monkeypatch.setattr(VOCABULARY, "limit", 5)
    for _ in range(2):
        for text, want in zip(texts, expected, strict=True):
            generation = VOCABULARY.generation
            tokens = tokenize(text)
            assert tokens == want and VOCABULARY.generation == generation + 1
            assert [VOCABULARY.keys[i] for i in tokens.ids] == [t.key for t in tokens]
            numbers = Context(text, segment(text), find_quotes(text), tokens).word_numbers()
            assert numbers is not None and numbers.ids.tolist() == tokens.ids
            runs = [(0, len(tokens))]
            by_word = lexicon.match_runs(tokens, runs), _scores(model, tokens)
            assert model._by_word.take(numbers) is not None
            assert lexicon.match_runs(tokens, runs, numbers=numbers) == by_word[0]
            _assert_same_scores(_scores(model, tokens, numbers), by_word[1])
            tokenize("a new generation")
            assert model._by_word.take(numbers) is None  # its numbers are of the last generation
            assert lexicon.match_runs(tokens, runs, numbers=numbers) == by_word[0]
            _assert_same_scores(_scores(model, tokens, numbers), by_word[1])


def test_pipeline_threads_with_a_vocabulary_starting_afresh_give_the_same_documents(engine, monkeypatch):
    """Several threads annotating at once (as the app and the server do) while the vocabulary keeps
    starting afresh: every document is the one annotating alone gives."""
    from concurrent.futures import ThreadPoolExecutor

    from annotator.textnorm import VOCABULARY

    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_TEXTS] * 4
    expected = _documents(engine, texts)
    monkeypatch.setattr(VOCABULARY, "limit", 300)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: _documents(engine, [t])[0], texts))
    assert json.dumps(got) == json.dumps(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("The plan, analysts say, will fail.", "plural noun and verb"),
        ("The plan will fail, officials SAID.", "capitals"),
        ("The plan will fail, officials ſaid.", "long s: the pattern's IGNORECASE reads it as s"),
        ("İn his view the plan will fail.", "dotted capital I: IGNORECASE reads it as i"),
        ("According to the ministry it failed.", "according to"),
        ("The sayings of the unsaid.", "cue letters inside other words"),
        ("Nothing here attributes anything.", "no cue"),
        ("", "empty"),
    ],
)
def test_voice_is_reported_equals_the_full_pattern(text, reason):
    assert is_reported(text) == ref.is_reported(text), reason


def test_voice_is_reported_equals_the_full_pattern_on_every_sample_sentence():
    for path in SAMPLE_TEXTS:
        text = path.read_text(encoding="utf-8")
        for s in segment(text):
            sentence = text[s.span.start : s.span.end]
            assert is_reported(sentence) == ref.is_reported(sentence), sentence


def test_voice_cue_word_test_equals_the_letter_runs_regex():
    """Random text of ASCII, news punctuation, odd case-folding letters and cue words: the split of the
    spaced-out bytes finds a cue word exactly when the letter-runs regex does."""
    from annotator.voice import _LETTERS, _case_folded, _has_cue_word, _reported_cue_words

    cues = _reported_cue_words()
    words = sorted(cues)[::3]
    chars = [*map(chr, range(128)), *"éſıİK’‘“”—–…\xa0李ǅ½²٣·′\u2028\U0001d400\ud800"]
    rng = random.Random(23)
    for _ in range(20000):
        text = "".join(
            rng.choice(chars) if rng.random() < 0.8 else rng.choice(words) for _ in range(rng.randint(0, 30))
        )
        assert _has_cue_word(text) == (not cues.isdisjoint(_LETTERS.findall(_case_folded(text)))), repr(text)


def test_segment_punkt_fast_path_equals_punkt():
    rng = random.Random(3)
    pieces = ["He", "said", ".", "?", "!", " ", "\n", '"', "”", ")", "Mr.", "U.S.", "end", "…", "\t", "2.5"]
    for _ in range(3000):
        chunk = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _punkt_spans(chunk) == ref.punkt_spans(chunk), repr(chunk)


def test_voice_single_quote_pattern_equals_look_behind_first():
    rng = random.Random(1)
    pieces = ["‘", "’", "'", "a", " ", "\n", "_", "1", "é", "’’", "‘‘", "word"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        got = [(m.span(), m.span("inner")) for m in _SINGLE_QUOTE.finditer(text)]
        assert got == [(m.span(), m.span("inner")) for m in ref.OLD_SINGLE_QUOTE.finditer(text)], text


@pytest.mark.parametrize("path", SAMPLE_TEXTS, ids=lambda p: p.stem)
def test_detectors_context_tokens_per_sentence_equal_a_filter(path):
    text = path.read_text(encoding="utf-8")
    tokens = tokenize(text)
    sentences = segment(text)
    ctx = Context(text, sentences, find_quotes(text), tokens)
    for sentence, got in zip(sentences, ctx.sentence_tokens, strict=True):
        span = sentence.span
        assert list(got) == [t for t in tokens if span.start <= t.start and t.end <= span.end]
        assert list(ctx.tokens_in(span)) == list(got)


def test_detectors_anonymous_source_patterns_by_trigger_equal_a_scan(engine):
    detector = next(d for d in engine.detectors if d.id == "anonymous_source")
    for path in SAMPLE_TEXTS:
        for s in segment(path.read_text(encoding="utf-8")):
            words = {t.folded for t in tokenize(path.read_text(encoding="utf-8")[s.span.start : s.span.end])}
            hits = detector._triggers.intersection(words)
            chosen = sorted({k for w in hits for k in detector._by_trigger[w]})
            assert chosen == [k for k, p in enumerate(detector.patterns) if not words.isdisjoint(p.triggers)]


def _documents(annotator: Annotator, texts: list[str]) -> list[dict]:
    out = []
    for text in texts:
        doc = annotator.annotate(text).to_dict()
        doc["meta"].pop("timings_ms")
        out.append(doc)
    return out


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_TEXTS]
    texts += sorted(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    rng = random.Random(7)
    pieces = ['"', "“", "”", "‘", "’", " ", "\n\n", "said", "the", "so-called", "regime", "coup d'etat", "Mr.", "."]
    texts += ["x " + "".join(rng.choice(pieces) + " " for _ in range(60)) for _ in range(20)]
    return texts


def test_pipeline_fast_paths_give_the_reference_documents(engine, monkeypatch):
    """Samples, the real articles in ../shared/corpus (when present) and random quote-heavy texts."""
    texts = _texts()
    fast = _documents(engine, texts)
    ref.reference_engine(monkeypatch)
    assert json.dumps(_documents(Annotator(model=None), texts)) == json.dumps(fast)


def test_pipeline_fast_paths_give_the_reference_sentence_scores(ukraine_text, monkeypatch):
    """With the classifier: its word evidence goes through the same scoring (skipped without ../shared)."""
    annotator = Annotator()
    fast = _documents(annotator, [ukraine_text])
    ref.reference_engine(monkeypatch)
    assert json.dumps(_documents(annotator, [ukraine_text])) == json.dumps(fast)
